import { z } from "zod";
import type { Db, WinnerVerification } from "../db/client";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";

export const RejectVerificationInput = z
  .object({ reason: z.string().trim().min(3, "must be at least 3 characters").max(500, "must be at most 500 characters") })
  .strict();

/**
 * Organizer: closes a verification as "rejected" with a reason shown to the participant and
 * beside the leaderboard badge (e.g. the code does not train the model, the model uses external
 * labels). Any status may be rejected, a verified one too (a problem found in the code later);
 * a rerun still queued then finds the verification closed and writes nothing. Audited with the
 * status before.
 */
export async function rejectVerification(options: {
  db: Db;
  verificationId: string;
  input: unknown;
  actor?: AuditActor;
  now?: Date;
}): Promise<WinnerVerification> {
  const parsed = RejectVerificationInput.safeParse(options.input);
  if (!parsed.success) throw new AppError("validation", { user: "Please give a reason.", details: zodDetails(parsed.error) });
  const now = options.now ?? new Date();
  return options.db.$transaction(async (tx) => {
    const before = await tx.winnerVerification.findUnique({ where: { id: options.verificationId } });
    if (!before)
      throw new AppError("not-found", { user: "This verification does not exist.", internal: `verification ${options.verificationId}` });
    const updated = await tx.winnerVerification.update({
      where: { id: before.id },
      data: { status: "rejected", outcome: parsed.data.reason },
    });
    // The leaderboard's change check reads the latest Submission.updatedAt: the badge follows at once.
    await tx.submission.update({ where: { id: before.submissionId }, data: { updatedAt: now } });
    await recordAuditEvent({
      db: tx,
      actor: options.actor,
      action: "verification.reject",
      target: { type: "verification", id: before.id },
      details: {
        submissionId: before.submissionId,
        before: { status: before.status, outcome: before.outcome },
        after: { status: "rejected", outcome: parsed.data.reason },
      },
      now,
    });
    return updated;
  });
}
