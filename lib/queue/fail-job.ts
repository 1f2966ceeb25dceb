import type { Db, DbTransaction, Job } from "../db/client";
import { QUEUE_TRANSACTION_OPTIONS } from "./complete-job";

export interface FailJobOptions {
  db: Db;
  jobId: string;
  workerId: string;
  /**
   * true: our fault (crash, database or disk trouble, a bug): retried with back-off until
   * maxAttempts, then failed for good. false: the input's fault (bad model output, a sandbox
   * limit hit): failed at once, never retried.
   */
  system: boolean;
  /** Shown to the participant (by the job type's onFailure). */
  message: string;
  /** For Job.lastError and logs: exception text, stack. */
  internal?: string;
  /** false: a system failure no retry can fix (e.g. the dataset it was made for is gone). */
  retry?: boolean;
  /** Back-off before attempt n+1 after attempt n failed. */
  retryDelayMs?: (attempts: number) => number;
  /** Runs in the same transaction once the failure is recorded (domain rows: the submission). */
  onRecorded?: (args: { tx: DbTransaction; job: Job; final: boolean }) => Promise<void>;
  now?: Date;
}

export type FailJobResult = { recorded: false } | { recorded: true; final: boolean; job: Job };

const MAX_ERROR_CHARS = 4000;

/** Exponential back-off with jitter: 5 s, 10 s, 20 s ... capped at 5 minutes. */
export function defaultRetryDelayMs(attempts: number, baseMs = 5000, maxMs = 5 * 60_000): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(delay * (0.8 + 0.4 * Math.random()));
}

/**
 * Records a failed attempt of a job this worker holds. System failures go back to the queue
 * (runAfter = now + back-off) until the last attempt; then, like user failures, the job is
 * failed with its reason. Guarded by the lease like completeJob: a worker that lost the job
 * records nothing (`recorded: false`).
 */
export async function failJob(options: FailJobOptions): Promise<FailJobResult> {
  const { db, jobId, workerId } = options;
  const lastError = `${options.system ? "system" : "user"}: ${options.message}${options.internal ? `\n${options.internal}` : ""}`.slice(
    0,
    MAX_ERROR_CHARS,
  );
  return db.$transaction(async (tx): Promise<FailJobResult> => {
    const now = options.now ?? new Date();
    // Guarded write first (see completeJob), then read the attempt counters under that lock.
    const { count } = await tx.job.updateMany({
      where: { id: jobId, workerId, status: "running" },
      data: { lastError, updatedAt: now },
    });
    if (count !== 1) return { recorded: false };
    const current = await tx.job.findUniqueOrThrow({ where: { id: jobId } });
    const final = !options.system || options.retry === false || current.attempts >= current.maxAttempts;
    const job = final
      ? await tx.job.update({
          where: { id: jobId },
          data: { status: "failed", finishedAt: now, leaseExpiresAt: null, updatedAt: now },
        })
      : await tx.job.update({
          where: { id: jobId },
          data: {
            status: "queued",
            workerId: null,
            leaseExpiresAt: null,
            runAfter: new Date(now.getTime() + (options.retryDelayMs ?? defaultRetryDelayMs)(current.attempts)),
            updatedAt: now,
          },
        });
    if (options.onRecorded) await options.onRecorded({ tx, job, final });
    return { recorded: true, final, job };
  }, QUEUE_TRANSACTION_OPTIONS);
}
