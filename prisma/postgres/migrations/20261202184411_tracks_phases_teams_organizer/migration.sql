-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "batchId" TEXT;

-- AlterTable
ALTER TABLE "Phase" ADD COLUMN     "acceptedKinds" TEXT NOT NULL DEFAULT 'csv,model',
ADD COLUMN     "description" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "mergeDeadline" TIMESTAMP(3),
ADD COLUMN     "settings" JSONB,
ADD COLUMN     "teamSizeCap" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "track" TEXT NOT NULL DEFAULT 'attributes';

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "phaseId" TEXT,
ADD COLUMN     "teamId" TEXT,
ADD COLUMN     "track" TEXT NOT NULL DEFAULT 'attributes';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "announcementsOptOutAt" TIMESTAMP(3),
ADD COLUMN     "invitationCodeId" TEXT;

-- CreateTable
CREATE TABLE "Team" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "disbandedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamMember" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'member',
    "joinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamInvite" (
    "id" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "email" TEXT,
    "createdById" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "usedById" TEXT,
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamInvite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Announcement" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "bannerUntil" TIMESTAMP(3),
    "audience" JSONB NOT NULL,
    "sendEmail" BOOLEAN NOT NULL DEFAULT false,
    "recipients" INTEGER NOT NULL DEFAULT 0,
    "emailedCount" INTEGER NOT NULL DEFAULT 0,
    "emailedAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Announcement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvitationCode" (
    "id" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "maxUses" INTEGER NOT NULL DEFAULT 1,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InvitationCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SiteSetting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SiteSetting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "WinnerVerification" (
    "id" TEXT NOT NULL,
    "submissionId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "requestedById" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "note" TEXT NOT NULL DEFAULT '',
    "codeFileKey" TEXT,
    "codeFileName" TEXT,
    "codeFileSize" INTEGER,
    "modelFileKey" TEXT,
    "modelFileName" TEXT,
    "modelFileSize" INTEGER,
    "uploadedAt" TIMESTAMP(3),
    "rerunPublicMain" DOUBLE PRECISION,
    "rerunPrivateMain" DOUBLE PRECISION,
    "rerunAt" TIMESTAMP(3),
    "outcome" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WinnerVerification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RescoreBatch" (
    "id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "total" INTEGER NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RescoreBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeatureNetwork" (
    "id" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "fileKey" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "datasetId" TEXT NOT NULL,
    "dimensions" INTEGER NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "metrics" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FeatureNetwork_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Job_batchId_status_idx" ON "Job"("batchId", "status");

-- CreateIndex
CREATE INDEX "Submission_phaseId_createdAt_idx" ON "Submission"("phaseId", "createdAt");

-- CreateIndex
CREATE INDEX "Submission_teamId_createdAt_idx" ON "Submission"("teamId", "createdAt");

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_phaseId_fkey" FOREIGN KEY ("phaseId") REFERENCES "Phase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Job" ADD CONSTRAINT "Job_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "RescoreBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamMember" ADD CONSTRAINT "TeamMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamInvite" ADD CONSTRAINT "TeamInvite_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WinnerVerification" ADD CONSTRAINT "WinnerVerification_submissionId_fkey" FOREIGN KEY ("submissionId") REFERENCES "Submission"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written backfill: submissions made before phases were recorded per submission belong to
-- the phase that was running when they were made, else to the earliest phase. Baseline entries
-- stay without a phase: they are shown on every phase of their track.
UPDATE "Submission" SET "phaseId" = COALESCE(
  (SELECT p."id" FROM "Phase" p WHERE p."startsAt" <= "Submission"."createdAt" AND "Submission"."createdAt" < p."endsAt" ORDER BY p."startsAt" DESC LIMIT 1),
  (SELECT p."id" FROM "Phase" p ORDER BY p."startsAt" ASC LIMIT 1)
) WHERE "phaseId" IS NULL AND "baselineId" IS NULL;
