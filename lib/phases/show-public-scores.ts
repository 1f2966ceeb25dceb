import { roundToStep, type ScorePolicy } from "./score-policy";

export interface ScoredEntry {
  id: string;
  /** The exact public main score. */
  main: number;
}

export interface ShownScore {
  /** What may be shown as this entry's public main score. */
  shown: number;
  /**
   * Whether this entry's own result is shown. Always true except under the Ladder, where an
   * entry that did not beat the best shown score by more than the step repeats that best.
   */
  fresh: boolean;
  /** The competitor's best shown score after this entry (equals `shown` in every mode but rounded). */
  best: number;
}

/**
 * The public main scores participants may see, for one competitor's scored entries in the
 * order they were made (oldest first). The one rule for the submission pages, the API and the
 * leaderboard (lib/leaderboard), so a participant's page and their leaderboard row always agree.
 *
 * Ladder (Blum & Hardt 2015, algorithm 1, for scores where higher is better): best starts at
 * -infinity; an entry whose score exceeds best + step sets best to its score rounded to the
 * step; any other entry is answered with the unchanged best.
 */
export function showPublicScores(options: { policy: ScorePolicy; entries: readonly ScoredEntry[] }): Map<string, ShownScore> {
  const { policy } = options;
  const out = new Map<string, ShownScore>();
  let best = -Infinity;
  for (const e of options.entries) {
    if (policy.kind === "ladder") {
      const fresh = e.main > best + policy.step;
      if (fresh) best = roundToStep(e.main, policy.step);
      out.set(e.id, { shown: best, fresh, best });
      continue;
    }
    const shown = policy.kind === "rounded" ? roundToStep(e.main, policy.step) : e.main;
    best = Math.max(best, shown);
    out.set(e.id, { shown, fresh: true, best });
  }
  return out;
}
