import type { Db, Job } from "../db/client";
import { AppError } from "../errors/app-error";
import { enqueueJob } from "../queue/enqueue-job";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";

export const PENDING_JOB_STATUSES = ["queued", "running"] as const;

/**
 * Organizer: scores a submission again (after a scorer fix, a changed metric, a system failure).
 *
 * Idempotent while a scoring job of the submission is pending: a second click, or two
 * organizers at once, get the pending job back instead of a second one. The new job's
 * idempotency key names the submission's latest job, so two racing calls that both saw no
 * pending job compute the same key and the unique index lets only one of them insert.
 *
 * A failed submission goes back to "queued" (its owner sees it waiting, not the old error); a
 * scored one stays "scored" with its old score on the leaderboard until the new one replaces
 * it. The quota flag is left alone: a rescore is our doing and never costs the participant.
 * Any status is accepted when no job is pending, which also repairs a submission left
 * "queued" or "running" without a job.
 *
 * With an actor, a new job is recorded in the audit trail right after it is enqueued (enqueueJob
 * owns its write; a returned pending job is not a new action and is not recorded).
 */
export async function rescoreSubmission(options: {
  db: Db;
  submissionId: string;
  actor?: AuditActor;
}): Promise<{ job: Job; alreadyPending: boolean }> {
  const { db, submissionId } = options;
  const submission = await db.submission.findUnique({ where: { id: submissionId }, select: { id: true } });
  if (!submission) throw new AppError("not-found", { user: "This submission does not exist.", internal: `submission ${submissionId}` });

  const jobs = await db.job.findMany({
    where: { submissionId, type: "score-submission" },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 20,
  });
  const pending = jobs.find((j) => (PENDING_JOB_STATUSES as readonly string[]).includes(j.status));
  if (pending) return { job: pending, alreadyPending: true };

  const job = await enqueueJob({
    db,
    type: "score-submission",
    payload: { submissionId },
    submissionId,
    idempotencyKey: `rescore:${submissionId}:${jobs[0]?.id ?? "none"}`,
  });
  await db.submission.updateMany({
    where: { id: submissionId, status: "failed" },
    data: { status: "queued", errorMessage: null, failureKind: null },
  });
  await recordAuditEvent({
    db,
    actor: options.actor,
    action: "submission.rescore",
    target: { type: "submission", id: submissionId },
    details: { jobId: job.id },
  });
  return { job, alreadyPending: false };
}
