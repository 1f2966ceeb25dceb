import type { Db } from "../db/client";
import { resolvePhaseState } from "./resolve-phase-state";
import { isPrivateRevealed } from "../phases/is-private-revealed";
import { phaseStatusAt } from "../phases/phase-status";

/**
 * A cheap fingerprint of everything a board depends on: when it is unchanged, a cached board is
 * still right. Counts catch inserts and deletes, the latest updatedAt catches edits (a final
 * selection, a disqualification or a failure updates Submission, a rename updates User; all
 * through Prisma, which sets @updatedAt), and the reveal state catches the phase end passing
 * without any write at all. Run at most once a second.
 *
 * Score is deliberately not read: its rows carry the full metrics Json (kB each), so even
 * MAX(updatedAt) there scans megabytes (~0.2 s for 20,000 rows here, blocking a SQLite server).
 * Every score is written by the scorer in the same transaction as its Submission's status and
 * scoredAt (scorer/handlers/score-submission.ts), so Submission.updatedAt moves with every score
 * and rescore. A Score written without touching its Submission would go unnoticed here.
 */
export async function readLeaderboardVersion(options: { db: Db; now: Date }): Promise<string> {
  const { db, now } = options;
  const agg = { _count: { _all: true }, _max: { updatedAt: true } } as const;
  const [dataset, submissions, users, baselines, teams, phases] = await Promise.all([
    db.dataset.findFirst({ where: { isCurrent: true }, select: { id: true } }),
    db.submission.aggregate(agg),
    db.user.aggregate(agg),
    db.baseline.aggregate(agg),
    // A team's name and member list are on its line; every team change touches Team.updatedAt (lib/teams/lock-teams.ts).
    db.team.aggregate(agg),
    db.phase.findMany({
      select: { id: true, name: true, startsAt: true, endsAt: true, maxFinal: true, privateRevealed: true, updatedAt: true },
    }),
  ]);
  const stamp = (a: { _count: { _all: number }; _max: { updatedAt: Date | null } }) =>
    `${a._count._all}@${a._max.updatedAt?.getTime() ?? 0}`;
  // Every phase's edits, status and reveal state: each phase has its own board (a phase ending,
  // which writes nothing, reveals that phase's board and may make another one current).
  const phaseStamp = phases
    .map((p) => `${p.id}@${p.updatedAt.getTime()}@${phaseStatusAt({ phase: p, now })}@${isPrivateRevealed(p, now) ? "r" : "h"}`)
    .sort()
    .join(",");
  const revealed = resolvePhaseState({ phases, now }).privateRevealed;
  return [
    dataset?.id ?? "-",
    stamp(submissions),
    stamp(users),
    stamp(baselines),
    stamp(teams),
    phaseStamp,
    revealed ? "revealed" : "hidden",
  ].join("|");
}
