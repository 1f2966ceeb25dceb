-- AlterTable
ALTER TABLE "Submission" ADD COLUMN "disqualifiedAt" DATETIME;
ALTER TABLE "Submission" ADD COLUMN "disqualifiedReason" TEXT;
