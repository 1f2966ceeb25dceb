import type { Db, Job } from "../db/client";
import { AppError } from "../errors/app-error";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { QUEUE_TRANSACTION_OPTIONS } from "../queue/complete-job";

/**
 * Organizer: puts a stuck or failed job back in the queue as new (queued, attempts 0, runnable
 * now, no worker). Refused for a job running under a live lease (a worker is on it; requeueing
 * would run it twice) and for a done one (its effects are committed; rescore the submission
 * instead).
 *
 * The reset is one guarded UPDATE, so a worker claiming or finishing the job at the same moment
 * either wins first (the guard then refuses, 409) or loses: a worker whose expired lease was
 * taken away here finds its workerId cleared and its completeJob/failJob writes nothing.
 *
 * The job's subject waits again too: a failed submission (score-submission) goes back to
 * "queued" and a failed winner verification (verify-submission) to "rerun-queued", with the old
 * error cleared. countsAgainstQuota is left as it is: a system failure already set it false.
 */
export async function requeueJob(options: { db: Db; jobId: string; actor?: AuditActor; now?: Date }): Promise<Job> {
  const { db, jobId } = options;
  const now = options.now ?? new Date();
  return db.$transaction(async (tx) => {
    const { count } = await tx.job.updateMany({
      where: {
        id: jobId,
        OR: [
          { status: { in: ["queued", "failed"] } },
          { status: "running", OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] },
        ],
      },
      data: {
        status: "queued",
        attempts: 0,
        workerId: null,
        leaseExpiresAt: null,
        heartbeatAt: null,
        runAfter: now,
        finishedAt: null,
        updatedAt: now,
      },
    });
    if (count !== 1) {
      const job = await tx.job.findUnique({ where: { id: jobId }, select: { status: true } });
      if (!job) throw new AppError("not-found", { user: "This job does not exist.", internal: `job ${jobId}` });
      throw new AppError("conflict", {
        user:
          job.status === "done"
            ? "This job is done; rescore the submission to run it again."
            : "A worker is running this job and its lease is still live; wait for it to finish or for the lease to expire.",
      });
    }
    const job = await tx.job.findUniqueOrThrow({ where: { id: jobId } });
    const payload = job.payload as { submissionId?: string; verificationId?: string };
    if (job.type === "score-submission" && payload.submissionId)
      await tx.submission.updateMany({
        where: { id: payload.submissionId, status: "failed" },
        data: { status: "queued", errorMessage: null, failureKind: null },
      });
    if (job.type === "verify-submission" && payload.verificationId)
      await tx.winnerVerification.updateMany({
        where: { id: payload.verificationId, status: "rerun-failed" },
        data: { status: "rerun-queued", outcome: "" },
      });
    await recordAuditEvent({
      db: tx,
      actor: options.actor,
      action: "job.requeue",
      target: { type: "job", id: jobId },
      details: {
        type: job.type,
        subject: payload.submissionId ?? payload.verificationId ?? null,
        lastError: job.lastError?.split("\n")[0] ?? null,
      },
      now,
    });
    return job;
  }, QUEUE_TRANSACTION_OPTIONS);
}
