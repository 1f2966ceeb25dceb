import type { Db, WinnerVerification } from "../db/client";
import { AppError } from "../errors/app-error";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { enqueueJob } from "../queue/enqueue-job";
import { RERUNNABLE_STATUSES } from "./verification-status";

/**
 * Organizer: queues a `verify-submission` job that runs the uploaded model in the sandbox and
 * compares its scores with the submission's (scorer/handlers/verify-submission.ts). The status
 * moves to "rerun-queued" by a guarded update in the transaction that enqueues the job and
 * records the action, so a double click or two organizers queue one rerun; the second gets 409.
 */
export async function rerunVerification(options: {
  db: Db;
  verificationId: string;
  actor?: AuditActor;
  now?: Date;
}): Promise<WinnerVerification> {
  const { db, verificationId } = options;
  const now = options.now ?? new Date();
  return db.$transaction(async (tx) => {
    const { count } = await tx.winnerVerification.updateMany({
      where: { id: verificationId, status: { in: [...RERUNNABLE_STATUSES] }, modelFileKey: { not: null } },
      data: { status: "rerun-queued", outcome: "" },
    });
    if (count !== 1) {
      const row = await tx.winnerVerification.findUnique({ where: { id: verificationId }, select: { status: true } });
      if (!row) throw new AppError("not-found", { user: "This verification does not exist.", internal: `verification ${verificationId}` });
      throw new AppError("conflict", {
        user:
          row.status === "requested"
            ? "The participant has not uploaded their model yet."
            : row.status === "rerun-queued" || row.status === "running"
              ? "A rerun is already queued or running."
              : `The verification is ${row.status}; it cannot be rerun.`,
      });
    }
    const job = await enqueueJob({ db: tx, type: "verify-submission", payload: { verificationId } });
    const updated = await tx.winnerVerification.findUniqueOrThrow({ where: { id: verificationId } });
    await recordAuditEvent({
      db: tx,
      actor: options.actor,
      action: "verification.rerun",
      target: { type: "verification", id: verificationId },
      details: { submissionId: updated.submissionId, jobId: job.id, modelFileName: updated.modelFileName },
      now,
    });
    return updated;
  });
}
