import type { Db } from "../db/client";

/**
 * Extends the lease of a job this worker holds. Returns false when the lease is gone (the job
 * was reclaimed by another worker after this one missed its heartbeats, or it is finished): the
 * caller must then stop working on it, and anything it would commit will be refused anyway.
 */
export async function heartbeatJob(options: { db: Db; jobId: string; workerId: string; leaseMs: number; now?: Date }): Promise<boolean> {
  const now = options.now ?? new Date();
  const { count } = await options.db.job.updateMany({
    where: { id: options.jobId, workerId: options.workerId, status: "running" },
    data: { leaseExpiresAt: new Date(now.getTime() + options.leaseMs), heartbeatAt: now },
  });
  return count === 1;
}
