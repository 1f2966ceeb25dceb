import type { Db, DbTransaction, Job } from "../db/client";
import { QUEUE_TRANSACTION_OPTIONS } from "./complete-job";

/**
 * Gives a job this worker holds back to the queue untouched (graceful shutdown before it could
 * finish). The attempt is not counted: a deploy restarting workers must not use up a
 * participant's retries. Returns false when the worker no longer held the job.
 */
export async function releaseJob(options: {
  db: Db;
  jobId: string;
  workerId: string;
  onReleased?: (args: { tx: DbTransaction; job: Job }) => Promise<void>;
  now?: Date;
}): Promise<boolean> {
  const { db, jobId, workerId } = options;
  return db.$transaction(async (tx) => {
    const now = options.now ?? new Date();
    const { count } = await tx.job.updateMany({
      where: { id: jobId, workerId, status: "running" },
      data: { status: "queued", workerId: null, leaseExpiresAt: null, runAfter: now, attempts: { decrement: 1 }, updatedAt: now },
    });
    if (count !== 1) return false;
    if (options.onReleased) await options.onReleased({ tx, job: await tx.job.findUniqueOrThrow({ where: { id: jobId } }) });
    return true;
  }, QUEUE_TRANSACTION_OPTIONS);
}
