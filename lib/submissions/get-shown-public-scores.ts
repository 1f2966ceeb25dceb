import type { Db } from "../db/client";
import { SCORE_POLICY_SELECT, scorePolicyAt, EXACT_SCORES, type ScorePolicy } from "../phases/score-policy";
import { showPublicScores, type ShownScore } from "../phases/show-public-scores";

export interface ShownPublicScores {
  policy: ScorePolicy;
  /** By submission id: the user's scored entries that count (see below). */
  byId: Map<string, ShownScore>;
}

/**
 * The public main scores a user may see of their own submissions, by the current phase's policy
 * (lib/phases/score-policy.ts) and the one rule of lib/phases/show-public-scores.ts that the
 * leaderboard applies too. Organizers see exact scores.
 *
 * The entries are those the leaderboard ranks for this user: scored, not disqualified, of the
 * current dataset, not a baseline, oldest first (ties by id, as the board breaks them). Only
 * under the Ladder does the history matter, so only then is it read.
 */
export async function getShownPublicScores(options: { db: Db; userId: string; role: string; now?: Date }): Promise<ShownPublicScores> {
  const { db } = options;
  if (options.role === "organizer") return { policy: EXACT_SCORES, byId: new Map() };
  const phases = await db.phase.findMany({ select: SCORE_POLICY_SELECT });
  const policy = scorePolicyAt({ phases, now: options.now ?? new Date() });
  if (policy.kind !== "ladder") return { policy, byId: new Map() };
  const rows = await db.submission.findMany({
    where: { userId: options.userId, baselineId: null, status: "scored", disqualifiedAt: null, dataset: { isCurrent: true } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, score: { select: { publicMain: true } } },
  });
  const entries = rows.flatMap((r) => (r.score && Number.isFinite(r.score.publicMain) ? [{ id: r.id, main: r.score.publicMain }] : []));
  return { policy, byId: showPublicScores({ policy, entries }) };
}

/**
 * The main score to show for one summary row: laddered when the Ladder is on (a submission
 * outside the ladder's entries, e.g. disqualified, shows nothing), rounded, or exact.
 */
export function shownMainOf(shown: ShownPublicScores, submissionId: string, publicMain: number | null): number | null {
  if (publicMain === null) return null;
  const { policy } = shown;
  if (policy.kind === "exact") return publicMain;
  if (policy.kind === "ladder") return shown.byId.get(submissionId)?.shown ?? null;
  return showPublicScores({ policy, entries: [{ id: submissionId, main: publicMain }] }).get(submissionId)!.shown;
}
