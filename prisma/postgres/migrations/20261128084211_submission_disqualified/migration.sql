-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "disqualifiedAt" TIMESTAMP(3),
ADD COLUMN     "disqualifiedReason" TEXT;
