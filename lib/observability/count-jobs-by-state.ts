import type { Db } from "../db/client";

const STATES = ["queued", "running", "done", "failed"] as const;

/** Jobs per status, every state present (0 when none): the tp_queue_jobs gauge at scrape time. */
export async function countJobsByState(options: { db: Db }): Promise<Record<string, number>> {
  const groups = await options.db.job.groupBy({ by: ["status"], _count: { _all: true } });
  const counts: Record<string, number> = Object.fromEntries(STATES.map((s) => [s, 0]));
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
}
