import type { LeaderboardSnapshot } from "./load-leaderboard-snapshot";
import { selectBestPublicEntry } from "./select-ranked-entries";

/** Best public score so far of the leading participants, for the score-over-time chart. */
export interface ScoreSeries {
  participants: { name: string; rank: number; points: { t: number; score: number }[] }[];
  /** Drawn as horizontal reference lines at their best public score. */
  baselines: { name: string; score: number }[];
  /** Time range of the chart in ms (first scored entry .. snapshot time). */
  start: number;
  end: number;
}

export const DEFAULT_SERIES_PARTICIPANTS = 10;

/**
 * Only public scores, on either board: the chart is about progress during the challenge. Only
 * the leading `limit` participants get a line (1,000 lines are unreadable and would make every
 * page heavy); a point is added each time a participant's best improved, plus one at the
 * snapshot time so each line reaches the present.
 */
export function computeScoreSeries(options: { snapshot: LeaderboardSnapshot; limit?: number }): ScoreSeries {
  const { snapshot } = options;
  const limit = options.limit ?? DEFAULT_SERIES_PARTICIPANTS;
  const end = snapshot.generatedAt.getTime();
  let start = end;
  const ranked: { name: string; best: number; bestAt: number; id: string; entries: typeof snapshot.competitors[number]["entries"] }[] = [];
  const baselines: ScoreSeries["baselines"] = [];
  for (const c of snapshot.competitors) {
    const best = selectBestPublicEntry({ entries: c.entries });
    if (!best) continue;
    if (c.entries[0] && c.entries[0].createdAt < start) start = c.entries[0].createdAt;
    if (c.kind === "baseline") baselines.push({ name: c.name, score: best.publicMain });
    else ranked.push({ name: c.name, best: best.publicMain, bestAt: best.createdAt, id: best.id, entries: c.entries });
  }
  ranked.sort((a, b) => b.best - a.best || a.bestAt - b.bestAt || (a.id < b.id ? -1 : 1));
  const participants = ranked.slice(0, limit).map((p, i) => {
    const points: { t: number; score: number }[] = [];
    let best = -Infinity;
    // Entries are oldest first (the snapshot's order).
    for (const e of p.entries) {
      if (e.publicMain > best) {
        best = e.publicMain;
        points.push({ t: e.createdAt, score: best });
      }
    }
    if (points.length > 0 && points[points.length - 1].t < end) points.push({ t: end, score: best });
    return { name: p.name, rank: i + 1, points };
  });
  baselines.sort((a, b) => b.score - a.score);
  return { participants, baselines, start, end };
}
