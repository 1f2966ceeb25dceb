import type { Db } from "../db/client";
import { utcDayStart } from "../submissions/get-submission-quota";

export interface OrganizerStats {
  now: Date;
  participants: number;
  organizers: number;
  /** Created since 00:00 UTC (the quota's day), baselines included. */
  submissionsToday: number;
  submissionsTotal: number;
  jobs: {
    queued: number;
    running: number;
    failed: number;
    /** Failed for good in the last 24 hours: the number worth watching. */
    failedLast24h: number;
    /** Running with an expired lease: a worker died; the next claim takes them back. */
    expiredLeases: number;
  };
  /** Age of the oldest queued job in ms, null when the queue is empty: the scorer's backlog. */
  oldestQueuedAgeMs: number | null;
  /**
   * How isolated the latest scored model run was ("full", or "partial: <why>"), from the summary
   * line the scorer writes at the top of the run's log; null before any model was scored.
   */
  modelSandbox: { isolation: string; scoredAt: Date | null } | null;
}

/** The scorer's summary line: `[scorer] ... ; isolation: <full | partial: why>`. */
const ISOLATION_LINE = /^\[scorer\] .*; isolation: (.+)$/m;

/** The numbers at the top of the organizer dashboard. A handful of counts, no row is loaded. */
export async function getOrganizerStats(options: { db: Db; now?: Date }): Promise<OrganizerStats> {
  const { db } = options;
  const now = options.now ?? new Date();
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const [participants, organizers, submissionsToday, submissionsTotal, byStatus, failedLast24h, expiredLeases, oldestQueued, lastModelRun] =
    await Promise.all([
      db.user.count({ where: { role: "participant" } }),
      db.user.count({ where: { role: "organizer" } }),
      db.submission.count({ where: { createdAt: { gte: utcDayStart(now) } } }),
      db.submission.count(),
      db.job.groupBy({ by: ["status"], _count: { _all: true } }),
      db.job.count({ where: { status: "failed", finishedAt: { gte: dayAgo } } }),
      db.job.count({ where: { status: "running", leaseExpiresAt: { lt: now } } }),
      db.job.findFirst({ where: { status: "queued" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } }),
      db.submission.findFirst({
        where: { kind: "model", status: "scored", log: { contains: "; isolation: " } },
        orderBy: { scoredAt: "desc" },
        select: { log: true, scoredAt: true },
      }),
    ]);
  const isolation = lastModelRun?.log ? ISOLATION_LINE.exec(lastModelRun.log)?.[1] : undefined;
  const count = (status: string) => byStatus.find((g) => g.status === status)?._count._all ?? 0;
  return {
    now,
    participants,
    organizers,
    submissionsToday,
    submissionsTotal,
    jobs: { queued: count("queued"), running: count("running"), failed: count("failed"), failedLast24h, expiredLeases },
    oldestQueuedAgeMs: oldestQueued ? Math.max(0, now.getTime() - oldestQueued.createdAt.getTime()) : null,
    modelSandbox: isolation ? { isolation, scoredAt: lastModelRun?.scoredAt ?? null } : null,
  };
}
