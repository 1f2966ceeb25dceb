-- CreateIndex
CREATE INDEX "Score_submissionId_publicMain_privateMain_idx" ON "Score"("submissionId", "publicMain", "privateMain");

-- CreateIndex
CREATE INDEX "Submission_updatedAt_idx" ON "Submission"("updatedAt");
