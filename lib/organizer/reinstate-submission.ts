import type { Db, Submission } from "../db/client";
import { isNotFound } from "../db/errors";
import { AppError } from "../errors/app-error";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";

/** Organizer: undoes a disqualification; the submission is ranked again with its score. Idempotent. */
export async function reinstateSubmission(options: { db: Db; submissionId: string; actor?: AuditActor }): Promise<Submission> {
  try {
    return await options.db.$transaction(async (tx) => {
      const before = await tx.submission.findUnique({
        where: { id: options.submissionId },
        select: { disqualifiedAt: true, disqualifiedReason: true },
      });
      const updated = await tx.submission.update({
        where: { id: options.submissionId },
        data: { disqualifiedAt: null, disqualifiedReason: null },
      });
      if (options.actor && before?.disqualifiedAt) {
        await recordAuditEvent({
          db: tx,
          actor: options.actor,
          action: "submission.reinstate",
          targetType: "submission",
          targetId: options.submissionId,
          details: {
            before: { disqualifiedAt: before.disqualifiedAt, reason: before.disqualifiedReason },
            after: { disqualifiedAt: null },
          },
        });
      }
      return updated;
    });
  } catch (error) {
    if (isNotFound(error)) {
      throw new AppError("not-found", { user: "This submission does not exist.", internal: `submission ${options.submissionId}` });
    }
    throw error;
  }
}
