import type { Db } from "../db/client";

export const JOB_STATUSES = ["queued", "running", "done", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A public score that moved by less than this is the same score (float noise between runs). */
export const SCORE_CHANGE_EPSILON = 1e-9;

export interface RescoreBatchProgress {
  id: string;
  label: string;
  total: number;
  createdAt: Date;
  /** The organizer's e-mail, or null (command line, or the account was deleted). */
  createdBy: string | null;
  counts: Record<JobStatus, number>;
  /** Done jobs whose submission's public score differs from before the batch. */
  changed: number;
  /** No job of the batch is queued or running any more. */
  finished: boolean;
}

/**
 * The organizer's bulk rescores, newest first (or the given ones): their jobs counted by status,
 * and how many of the finished ones changed the public score (the job's payload carries the
 * score from before; the Score row holds the new one).
 */
export async function getRescoreProgress(options: { db: Db; batchIds?: string[]; limit?: number }): Promise<RescoreBatchProgress[]> {
  const { db } = options;
  const batches = await db.rescoreBatch.findMany({
    where: options.batchIds ? { id: { in: options.batchIds } } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(options.limit ?? 10, 100),
  });
  if (batches.length === 0) return [];
  const ids = batches.map((b) => b.id);
  const [groups, doneJobs, creators] = await Promise.all([
    db.job.groupBy({ by: ["batchId", "status"], where: { batchId: { in: ids } }, _count: { _all: true } }),
    db.job.findMany({
      where: { batchId: { in: ids }, status: "done" },
      select: { batchId: true, payload: true, submission: { select: { score: { select: { publicMain: true } } } } },
    }),
    db.user.findMany({
      where: { id: { in: batches.map((b) => b.createdById).filter((x): x is string => x !== null) } },
      select: { id: true, email: true },
    }),
  ]);
  const changed = new Map<string, number>();
  for (const job of doneJobs) {
    const before = (job.payload as { previousPublicMain?: number | null }).previousPublicMain ?? null;
    const after = job.submission?.score?.publicMain ?? null;
    const moved = before === null || after === null ? before !== after : Math.abs(after - before) > SCORE_CHANGE_EPSILON;
    if (moved && job.batchId) changed.set(job.batchId, (changed.get(job.batchId) ?? 0) + 1);
  }
  const emails = new Map(creators.map((u) => [u.id, u.email]));
  return batches.map((b) => {
    const counts = { queued: 0, running: 0, done: 0, failed: 0 };
    for (const g of groups)
      if (g.batchId === b.id && (JOB_STATUSES as readonly string[]).includes(g.status)) counts[g.status as JobStatus] += g._count._all;
    return {
      id: b.id,
      label: b.label,
      total: b.total,
      createdAt: b.createdAt,
      createdBy: b.createdById ? (emails.get(b.createdById) ?? null) : null,
      counts,
      changed: changed.get(b.id) ?? 0,
      finished: counts.queued + counts.running === 0,
    };
  });
}
