/**
 * A winner verification's life (WinnerVerification.status):
 *
 *   requested ──upload both files──> uploaded ──organizer: rerun──> rerun-queued ──worker──> running
 *   running ──scores within tolerance──> verified
 *           ──scores differ──────────> mismatch      (outcome: both numbers of both parts)
 *           ──model refused or failed─> rerun-failed  (outcome: why)
 *   any status ──organizer: reject with a reason──> rejected
 *
 * The participant may upload again until the outcome is final (verified or rejected): a
 * mismatch or a failed rerun is often a wrong file, and a new upload goes back to "uploaded".
 */
export const VERIFICATION_STATUSES = [
  "requested",
  "uploaded",
  "rerun-queued",
  "running",
  "verified",
  "mismatch",
  "rerun-failed",
  "rejected",
] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** Statuses in which the participant may (re)upload their files. */
export const UPLOADABLE_STATUSES: readonly VerificationStatus[] = ["requested", "uploaded", "mismatch", "rerun-failed"];

/** Statuses in which the organizer may start a rerun (files present, no rerun pending, not final). */
export const RERUNNABLE_STATUSES: readonly VerificationStatus[] = ["uploaded", "mismatch", "rerun-failed"];

/**
 * A rerun reproduces a score when both parts are within this of the original. The scorer is
 * deterministic for a given model and build, and onnxruntime on one CPU gives the same class for
 * the same input; 1e-6 is far below one image's weight in a macro-F1 over thousands of test
 * images (about 1e-4), so any real difference in predictions shows.
 */
export const VERIFICATION_TOLERANCE = 1e-6;

/** The participant's code archive: a zip or a .tar.gz of their training code, never extracted on the server. */
export const MAX_VERIFICATION_CODE_BYTES = 50 * 1024 * 1024;

export function isVerificationStatus(value: string): value is VerificationStatus {
  return (VERIFICATION_STATUSES as readonly string[]).includes(value);
}

/** What the leaderboard badge and the pages say for each status. */
export const VERIFICATION_LABELS: Record<VerificationStatus, string> = {
  requested: "verification requested",
  uploaded: "files received",
  "rerun-queued": "rerun queued",
  running: "rerunning",
  verified: "verified",
  mismatch: "score mismatch",
  "rerun-failed": "rerun failed",
  rejected: "rejected",
};
