import { roundToStep, type ScorePolicy } from "../phases/score-policy";
import { showPublicScores } from "../phases/show-public-scores";
import { METRIC_KEYS, metricsFromSplitScores, type LeaderboardMetrics } from "./leaderboard-columns";
import type { Competitor, RankedEntry } from "./types";

/** One participant's scored entry, as the Ladder needs it. */
export interface PublicEntry {
  id: string;
  /** Competitor key ("u:<userId>" or "t:<teamId>"). */
  key: string;
  createdAt: number;
  main: number;
}

/**
 * The public board as participants may see it under the phase's score policy, by the same rule
 * as their own submission pages (lib/phases/show-public-scores.ts):
 * - exact (after the reveal): unchanged;
 * - rounded: every public number rounded to the step (ties then go to the earlier entry);
 * - ladder: a participant's public score is their laddered best, standing for the entry that
 *   last moved the ladder; the other columns are withheld (null), as on their own pages, since
 *   exact per-attribute numbers would move with a single probed label. Baselines, the organizers'
 *   references, are rounded.
 * `entries`: every scored entry of the participants (oldest first), needed only for the Ladder.
 */
export function applyScorePolicy(options: {
  policy: ScorePolicy;
  competitors: Competitor[];
  entries?: readonly PublicEntry[];
  cutoff: number;
}): Competitor[] {
  const { policy } = options;
  if (policy.kind === "exact") return options.competitors;
  const rounded = (m: LeaderboardMetrics): LeaderboardMetrics => {
    const out = { ...m };
    for (const k of METRIC_KEYS) if (out[k] !== null) out[k] = roundToStep(out[k]!, policy.step);
    return out;
  };
  const roundEntry = <E extends { main: number }>(e: E): E => ({ ...e, main: roundToStep(e.main, policy.step) });
  const roundAll = (c: Competitor): Competitor => ({
    ...c,
    best: { ...roundEntry(c.best), metrics: rounded(c.best.metrics) },
    bestBefore: c.bestBefore && roundEntry(c.bestBefore),
  });
  if (policy.kind === "rounded") return options.competitors.map(roundAll);

  const byKey = new Map<string, PublicEntry[]>();
  for (const e of options.entries ?? []) {
    let list = byKey.get(e.key);
    if (!list) byKey.set(e.key, (list = []));
    list.push(e);
  }
  return options.competitors.map((c) => {
    if (c.kind === "baseline") return roundAll(c);
    const list = byKey.get(c.key) ?? [];
    const shown = showPublicScores({ policy, entries: list });
    // The entry that last moved the ladder stands for the competitor (now and 24 h ago).
    const last = (before: number) => list.filter((e) => e.createdAt < before && shown.get(e.id)!.fresh).at(-1);
    const now = last(Infinity);
    if (!now) return roundAll(c);
    const then = last(options.cutoff);
    const withheld = metricsFromSplitScores(null, null); // every metric null: none is shown
    const main = shown.get(now.id)!.shown;
    const best: RankedEntry = { id: now.id, createdAt: now.createdAt, main, metrics: { ...withheld, main } };
    return { ...c, best, bestBefore: then ? { id: then.id, createdAt: then.createdAt, main: shown.get(then.id)!.shown } : null };
  });
}

/** The score-over-time chart's points as the policy shows them: rounded, or each entry's laddered best. */
export function applyScorePolicyToSeriesEntries(options: {
  policy: ScorePolicy;
  entries: Map<string, { t: number; score: number; id?: string }[]>;
}): Map<string, { t: number; score: number }[]> {
  const { policy } = options;
  if (policy.kind === "exact") return options.entries;
  const out = new Map<string, { t: number; score: number }[]>();
  for (const [key, list] of options.entries) {
    if (policy.kind === "rounded") {
      out.set(
        key,
        list.map((e) => ({ t: e.t, score: roundToStep(e.score, policy.step) })),
      );
      continue;
    }
    const shown = showPublicScores({ policy, entries: list.map((e, i) => ({ id: String(i), main: e.score })) });
    out.set(
      key,
      list.map((e, i) => ({ t: e.t, score: shown.get(String(i))!.shown })),
    );
  }
  return out;
}
