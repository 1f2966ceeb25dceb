import type { Submission } from "../db/client";

/**
 * A submission's disqualification as the audit trail records it, before and after an
 * organizer disqualifies or reinstates it (the reason under the shorter name "reason").
 */
export function disqualificationAuditRecord(submission: Pick<Submission, "disqualifiedAt" | "disqualifiedReason">): {
  disqualifiedAt: Date | null;
  reason: string | null;
} {
  return { disqualifiedAt: submission.disqualifiedAt, reason: submission.disqualifiedReason };
}
