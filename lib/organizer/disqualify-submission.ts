import { z } from "zod";
import type { Db, Submission } from "../db/client";
import { isNotFound } from "../db/errors";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { disqualificationAuditRecord } from "./disqualification-audit-record";

/** The organizer's reason is shown to the submission's owner: required, short, plain text. */
export const DisqualifyInput = z
  .object({
    reason: z.string().trim().min(3, "must be at least 3 characters").max(500, "must be at most 500 characters"),
  })
  .strict();
export type DisqualifyInput = z.input<typeof DisqualifyInput>;

/**
 * Organizer: takes a submission off the leaderboards (the leaderboard leaves out rows with
 * disqualifiedAt set). The submission stays visible to its owner with the reason. Doing it again
 * updates the reason and keeps the first date. With an actor, the audit record commits with it.
 */
export async function disqualifySubmission(options: {
  db: Db;
  submissionId: string;
  input: unknown;
  actor?: AuditActor;
  now?: Date;
}): Promise<Submission> {
  const { db, submissionId } = options;
  const parsed = DisqualifyInput.safeParse(options.input);
  if (!parsed.success) throw new AppError("validation", { user: "Please give a reason.", details: zodDetails(parsed.error) });
  const existing = await db.submission.findUnique({
    where: { id: submissionId },
    select: { disqualifiedAt: true, disqualifiedReason: true },
  });
  if (!existing) throw notFound(submissionId);
  try {
    return await db.$transaction(async (tx) => {
      const updated = await tx.submission.update({
        where: { id: submissionId },
        data: { disqualifiedAt: existing.disqualifiedAt ?? options.now ?? new Date(), disqualifiedReason: parsed.data.reason },
      });
      await recordAuditEvent({
        db: tx,
        actor: options.actor,
        action: "submission.disqualify",
        target: { type: "submission", id: submissionId },
        details: { before: disqualificationAuditRecord(existing), after: disqualificationAuditRecord(updated) },
      });
      return updated;
    });
  } catch (error) {
    if (isNotFound(error)) throw notFound(submissionId);
    throw error;
  }
}

function notFound(submissionId: string): AppError {
  return new AppError("not-found", { user: "This submission does not exist.", internal: `submission ${submissionId}` });
}
