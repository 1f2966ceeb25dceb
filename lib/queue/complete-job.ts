import type { Db, DbTransaction } from "../db/client";

/** Interactive transactions here are short, but SQLite writers queue behind each other. */
export const QUEUE_TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;

/**
 * Marks a job done and writes its effects, in one transaction, only if `workerId` still holds
 * the job. If the lease was lost (another worker reclaimed the job), nothing is written and
 * `completed` is false: the job's effects are committed exactly once whichever worker finishes
 * first. Calling it again after success is a no-op returning false.
 *
 * The guarded UPDATE is the transaction's first statement on purpose: on SQLite it takes the
 * write lock before anything is read, on PostgreSQL it row-locks the job so a concurrent claim
 * skips it.
 */
export async function completeJob(options: {
  db: Db;
  jobId: string;
  workerId: string;
  commit?: (tx: DbTransaction) => Promise<void>;
  now?: Date;
}): Promise<{ completed: boolean }> {
  const { db, jobId, workerId, commit } = options;
  return db.$transaction(async (tx) => {
    const now = options.now ?? new Date();
    const { count } = await tx.job.updateMany({
      where: { id: jobId, workerId, status: "running" },
      data: { status: "done", finishedAt: now, leaseExpiresAt: null, lastError: null, updatedAt: now },
    });
    if (count !== 1) return { completed: false };
    if (commit) await commit(tx);
    return { completed: true };
  }, QUEUE_TRANSACTION_OPTIONS);
}
