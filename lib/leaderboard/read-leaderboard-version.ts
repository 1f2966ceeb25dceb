import type { Db } from "../db/client";
import { resolvePhaseState } from "./resolve-phase-state";

/**
 * A cheap fingerprint of everything a board depends on: when it is unchanged, a cached board is
 * still right. Counts catch inserts and deletes, the latest updatedAt catches edits (a rescore
 * upserts Score, a failure or a final selection updates Submission, a rename updates User; all
 * through Prisma, which sets @updatedAt), and the reveal state catches the phase end passing
 * without any write at all. A handful of aggregate queries, run at most once a second.
 */
export async function readLeaderboardVersion(options: { db: Db; now: Date }): Promise<string> {
  const { db, now } = options;
  const agg = { _count: { _all: true }, _max: { updatedAt: true } } as const;
  const [dataset, submissions, scores, users, baselines, phases] = await Promise.all([
    db.dataset.findFirst({ where: { isCurrent: true }, select: { id: true } }),
    db.submission.aggregate(agg),
    db.score.aggregate(agg),
    db.user.aggregate(agg),
    db.baseline.aggregate(agg),
    db.phase.findMany({ select: { name: true, startsAt: true, endsAt: true, maxFinal: true, privateRevealed: true, updatedAt: true } }),
  ]);
  const stamp = (a: { _count: { _all: number }; _max: { updatedAt: Date | null } }) => `${a._count._all}@${a._max.updatedAt?.getTime() ?? 0}`;
  const phaseStamp = phases.map((p) => `${p.name}@${p.updatedAt.getTime()}`).sort().join(",");
  const revealed = resolvePhaseState({ phases, now }).privateRevealed;
  return [dataset?.id ?? "-", stamp(submissions), stamp(scores), stamp(users), stamp(baselines), phaseStamp, revealed ? "revealed" : "hidden"].join("|");
}
