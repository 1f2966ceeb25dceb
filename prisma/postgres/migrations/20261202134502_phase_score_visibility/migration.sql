-- AlterTable
ALTER TABLE "Phase" ADD COLUMN     "ladderStep" DOUBLE PRECISION NOT NULL DEFAULT 0.0001,
ADD COLUMN     "scoreVisibility" TEXT NOT NULL DEFAULT 'rounded';
