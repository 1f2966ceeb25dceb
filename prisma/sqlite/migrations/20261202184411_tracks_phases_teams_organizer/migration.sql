-- AlterTable
ALTER TABLE "User" ADD COLUMN "announcementsOptOutAt" DATETIME;
ALTER TABLE "User" ADD COLUMN "invitationCodeId" TEXT;

-- CreateTable
CREATE TABLE "Team" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "disbandedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "TeamMember" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'member',
    "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TeamMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TeamMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TeamInvite" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "teamId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT,
    "createdById" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "usedById" TEXT,
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TeamInvite_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Announcement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "bannerUntil" DATETIME,
    "audience" JSONB NOT NULL,
    "sendEmail" BOOLEAN NOT NULL DEFAULT false,
    "recipients" INTEGER NOT NULL DEFAULT 0,
    "emailedCount" INTEGER NOT NULL DEFAULT 0,
    "emailedAt" DATETIME,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "InvitationCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "codeHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "maxUses" INTEGER NOT NULL DEFAULT 1,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" DATETIME,
    "revokedAt" DATETIME,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SiteSetting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" JSONB NOT NULL,
    "updatedById" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WinnerVerification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "submissionId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "requestedById" TEXT,
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "note" TEXT NOT NULL DEFAULT '',
    "codeFileKey" TEXT,
    "codeFileName" TEXT,
    "codeFileSize" INTEGER,
    "modelFileKey" TEXT,
    "modelFileName" TEXT,
    "modelFileSize" INTEGER,
    "uploadedAt" DATETIME,
    "rerunPublicMain" REAL,
    "rerunPrivateMain" REAL,
    "rerunAt" DATETIME,
    "outcome" TEXT NOT NULL DEFAULT '',
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "WinnerVerification_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RescoreBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "label" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "total" INTEGER NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "FeatureNetwork" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sha256" TEXT NOT NULL,
    "fileKey" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "datasetId" TEXT NOT NULL,
    "dimensions" INTEGER NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "metrics" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "submissionId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "workerId" TEXT,
    "leaseExpiresAt" DATETIME,
    "heartbeatAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "lastError" TEXT,
    "runAfter" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "idempotencyKey" TEXT,
    "requestId" TEXT,
    "batchId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    CONSTRAINT "Job_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Job_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "RescoreBatch" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Job" ("attempts", "createdAt", "finishedAt", "heartbeatAt", "id", "idempotencyKey", "lastError", "leaseExpiresAt", "maxAttempts", "payload", "requestId", "runAfter", "status", "submissionId", "type", "updatedAt", "workerId") SELECT "attempts", "createdAt", "finishedAt", "heartbeatAt", "id", "idempotencyKey", "lastError", "leaseExpiresAt", "maxAttempts", "payload", "requestId", "runAfter", "status", "submissionId", "type", "updatedAt", "workerId" FROM "Job";
DROP TABLE "Job";
ALTER TABLE "new_Job" RENAME TO "Job";
CREATE UNIQUE INDEX "Job_idempotencyKey_key" ON "Job"("idempotencyKey");
CREATE INDEX "Job_status_runAfter_idx" ON "Job"("status", "runAfter");
CREATE INDEX "Job_status_leaseExpiresAt_idx" ON "Job"("status", "leaseExpiresAt");
CREATE INDEX "Job_submissionId_idx" ON "Job"("submissionId");
CREATE INDEX "Job_batchId_status_idx" ON "Job"("batchId", "status");
CREATE TABLE "new_Phase" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "dailyLimit" INTEGER NOT NULL,
    "maxFinal" INTEGER NOT NULL DEFAULT 2,
    "privateRevealed" BOOLEAN NOT NULL DEFAULT false,
    "scoreVisibility" TEXT NOT NULL DEFAULT 'rounded',
    "ladderStep" REAL NOT NULL DEFAULT 0.0001,
    "track" TEXT NOT NULL DEFAULT 'attributes',
    "acceptedKinds" TEXT NOT NULL DEFAULT 'csv,model',
    "teamSizeCap" INTEGER NOT NULL DEFAULT 5,
    "mergeDeadline" DATETIME,
    "description" TEXT NOT NULL DEFAULT '',
    "settings" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Phase" ("createdAt", "dailyLimit", "endsAt", "id", "ladderStep", "maxFinal", "name", "privateRevealed", "scoreVisibility", "startsAt", "updatedAt") SELECT "createdAt", "dailyLimit", "endsAt", "id", "ladderStep", "maxFinal", "name", "privateRevealed", "scoreVisibility", "startsAt", "updatedAt" FROM "Phase";
DROP TABLE "Phase";
ALTER TABLE "new_Phase" RENAME TO "Phase";
CREATE INDEX "Phase_startsAt_idx" ON "Phase"("startsAt");
CREATE TABLE "new_Submission" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "description" TEXT NOT NULL DEFAULT '',
    "fileKey" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "fileSize" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "modelFormat" TEXT,
    "errorMessage" TEXT,
    "failureKind" TEXT,
    "countsAgainstQuota" BOOLEAN NOT NULL DEFAULT true,
    "isFinal" BOOLEAN NOT NULL DEFAULT false,
    "baselineId" TEXT,
    "log" TEXT,
    "disqualifiedAt" DATETIME,
    "disqualifiedReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "scoredAt" DATETIME,
    "phaseId" TEXT,
    "track" TEXT NOT NULL DEFAULT 'attributes',
    "teamId" TEXT,
    CONSTRAINT "Submission_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Submission_phaseId_fkey" FOREIGN KEY ("phaseId") REFERENCES "Phase" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Submission_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Submission_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Submission_baselineId_fkey" FOREIGN KEY ("baselineId") REFERENCES "Baseline" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Submission" ("baselineId", "countsAgainstQuota", "createdAt", "datasetId", "description", "disqualifiedAt", "disqualifiedReason", "errorMessage", "failureKind", "fileKey", "fileName", "fileSize", "id", "isFinal", "kind", "log", "modelFormat", "scoredAt", "sha256", "startedAt", "status", "updatedAt", "userId") SELECT "baselineId", "countsAgainstQuota", "createdAt", "datasetId", "description", "disqualifiedAt", "disqualifiedReason", "errorMessage", "failureKind", "fileKey", "fileName", "fileSize", "id", "isFinal", "kind", "log", "modelFormat", "scoredAt", "sha256", "startedAt", "status", "updatedAt", "userId" FROM "Submission";
DROP TABLE "Submission";
ALTER TABLE "new_Submission" RENAME TO "Submission";
CREATE INDEX "Submission_userId_createdAt_idx" ON "Submission"("userId", "createdAt");
CREATE INDEX "Submission_status_idx" ON "Submission"("status");
CREATE INDEX "Submission_datasetId_idx" ON "Submission"("datasetId");
CREATE INDEX "Submission_baselineId_idx" ON "Submission"("baselineId");
CREATE INDEX "Submission_phaseId_createdAt_idx" ON "Submission"("phaseId", "createdAt");
CREATE INDEX "Submission_teamId_createdAt_idx" ON "Submission"("teamId", "createdAt");
CREATE INDEX "Submission_updatedAt_idx" ON "Submission"("updatedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Team_nameKey_key" ON "Team"("nameKey");

-- CreateIndex
CREATE UNIQUE INDEX "TeamMember_userId_key" ON "TeamMember"("userId");

-- CreateIndex
CREATE INDEX "TeamMember_teamId_idx" ON "TeamMember"("teamId");

-- CreateIndex
CREATE UNIQUE INDEX "TeamInvite_tokenHash_key" ON "TeamInvite"("tokenHash");

-- CreateIndex
CREATE INDEX "TeamInvite_teamId_idx" ON "TeamInvite"("teamId");

-- CreateIndex
CREATE INDEX "Announcement_bannerUntil_idx" ON "Announcement"("bannerUntil");

-- CreateIndex
CREATE UNIQUE INDEX "InvitationCode_codeHash_key" ON "InvitationCode"("codeHash");

-- CreateIndex
CREATE UNIQUE INDEX "WinnerVerification_submissionId_key" ON "WinnerVerification"("submissionId");

-- CreateIndex
CREATE INDEX "WinnerVerification_status_idx" ON "WinnerVerification"("status");

-- CreateIndex
CREATE UNIQUE INDEX "FeatureNetwork_sha256_key" ON "FeatureNetwork"("sha256");

-- Hand-written backfill: submissions made before phases were recorded per submission belong to
-- the phase that was running when they were made, else to the earliest phase. Baseline entries
-- stay without a phase: they are shown on every phase of their track.
UPDATE "Submission" SET "phaseId" = COALESCE(
  (SELECT p."id" FROM "Phase" p WHERE p."startsAt" <= "Submission"."createdAt" AND "Submission"."createdAt" < p."endsAt" ORDER BY p."startsAt" DESC LIMIT 1),
  (SELECT p."id" FROM "Phase" p ORDER BY p."startsAt" ASC LIMIT 1)
) WHERE "phaseId" IS NULL AND "baselineId" IS NULL;
