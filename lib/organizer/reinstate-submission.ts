import type { Db, Submission } from "../db/client";
import { isNotFound } from "../db/errors";
import { AppError } from "../errors/app-error";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { disqualificationAuditRecord } from "./disqualification-audit-record";

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
      if (before?.disqualifiedAt) {
        await recordAuditEvent({
          db: tx,
          actor: options.actor,
          action: "submission.reinstate",
          target: { type: "submission", id: options.submissionId },
          details: { before: disqualificationAuditRecord(before), after: { disqualifiedAt: null } },
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
