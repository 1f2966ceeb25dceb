import type { DbTransaction, Prisma } from "../db/client";
import { phaseSubmissionsWhere, type TeamPhase } from "./team-phase-rules";

/**
 * When someone joins or a team merges: their submissions of the phase become the surviving
 * team's (`from` picks them: a solo joiner's own rows, or the merged team's), so the team has
 * one shared history, quota and leaderboard line. Then the team's final picks of the phase are
 * trimmed to maxFinal, keeping the best by public score (ties: the earlier one): two teams that
 * each picked 2 may not enter 4 into the private board. Returns how many rows moved and how
 * many picks were dropped.
 */
export async function moveSubmissionsToTeam(options: {
  tx: DbTransaction;
  phase: TeamPhase | null;
  from: Prisma.SubmissionWhereInput;
  teamId: string;
  now: Date;
}): Promise<{ moved: number; picksDropped: number }> {
  const { tx, phase, teamId, now } = options;
  if (!phase) return { moved: 0, picksDropped: 0 };
  const inPhase = phaseSubmissionsWhere(phase);
  const moved = await tx.submission.updateMany({ where: { AND: [inPhase, options.from] }, data: { teamId, updatedAt: now } });
  const finals = await tx.submission.findMany({
    where: { AND: [inPhase, { teamId, isFinal: true }] },
    select: { id: true, createdAt: true, score: { select: { publicMain: true } } },
  });
  const ranked = finals.sort(
    (a, b) =>
      (b.score?.publicMain ?? -Infinity) - (a.score?.publicMain ?? -Infinity) ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      (a.id < b.id ? -1 : 1),
  );
  const drop = ranked.slice(phase.maxFinal).map((s) => s.id);
  if (drop.length > 0) await tx.submission.updateMany({ where: { id: { in: drop } }, data: { isFinal: false, updatedAt: now } });
  return { moved: moved.count, picksDropped: drop.length };
}
