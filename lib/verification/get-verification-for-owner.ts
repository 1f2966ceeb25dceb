import type { Db } from "../db/client";
import { findOwnVerification } from "./upload-verification-files";
import { UPLOADABLE_STATUSES, VERIFICATION_LABELS, isVerificationStatus, type VerificationStatus } from "./verification-status";

export interface OwnVerificationView {
  status: VerificationStatus;
  label: string;
  note: string;
  requestedAt: Date;
  uploadedAt: Date | null;
  code: { name: string; size: number } | null;
  model: { name: string; size: number } | null;
  canUpload: boolean;
  /**
   * What the participant is told: the rejection reason or why the rerun failed. A mismatch is
   * stated without numbers: the private score must not leave the server before the reveal.
   */
  message: string;
}

/** The participant's view of the verification of one of their submissions ("not found" for anyone else's). */
export async function getVerificationForOwner(options: { db: Db; submissionId: string; userId: string }): Promise<OwnVerificationView> {
  const v = await findOwnVerification(options.db, options.submissionId, options.userId);
  const status: VerificationStatus = isVerificationStatus(v.status) ? v.status : "requested";
  const message =
    status === "rejected" || status === "rerun-failed"
      ? v.outcome
      : status === "mismatch"
        ? "The rerun of your model did not reproduce your submission's score. Check that you uploaded the exact model that made the submission, then upload it again."
        : status === "verified"
          ? "The rerun reproduced your score."
          : "";
  return {
    status,
    label: VERIFICATION_LABELS[status],
    note: v.note,
    requestedAt: v.requestedAt,
    uploadedAt: v.uploadedAt,
    code: v.codeFileKey ? { name: v.codeFileName ?? "code", size: v.codeFileSize ?? 0 } : null,
    model: v.modelFileKey ? { name: v.modelFileName ?? "model", size: v.modelFileSize ?? 0 } : null,
    canUpload: UPLOADABLE_STATUSES.includes(status),
    message,
  };
}
