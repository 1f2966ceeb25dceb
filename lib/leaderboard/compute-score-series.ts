import type { Competitor } from "./types";

/** Best public score so far of the leading participants, for the score-over-time chart. */
export interface ScoreSeries {
  participants: { name: string; rank: number; points: { t: number; score: number }[] }[];
  /** Drawn as horizontal reference lines at their best public score. */
  baselines: { name: string; score: number }[];
  /** Time range of the chart in ms (first plotted entry .. snapshot time). */
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
export function computeScoreSeries(options: {
  competitors: readonly Competitor[];
  /** Public scores of each leader's entries, oldest first, by competitor key. */
  entries: ReadonlyMap<string, readonly { t: number; score: number }[]>;
  generatedAt: Date;
  limit?: number;
}): ScoreSeries {
  const end = options.generatedAt.getTime();
  const limit = options.limit ?? DEFAULT_SERIES_PARTICIPANTS;
  const leaders = options.competitors
    .filter((c) => c.kind === "participant")
    .sort((a, b) => b.best.main - a.best.main || a.best.createdAt - b.best.createdAt || (a.best.id < b.best.id ? -1 : 1))
    .slice(0, limit);
  let start = end;
  const participants = leaders.map((c, i) => {
    const points: { t: number; score: number }[] = [];
    let best = -Infinity;
    for (const e of options.entries.get(c.key) ?? []) {
      if (e.score > best) {
        best = e.score;
        points.push({ t: e.t, score: best });
      }
    }
    if (points.length > 0) {
      start = Math.min(start, points[0].t);
      if (points[points.length - 1].t < end) points.push({ t: end, score: best });
    }
    return { name: c.name, rank: i + 1, points };
  });
  const baselines = options.competitors
    .filter((c) => c.kind === "baseline")
    .map((c) => {
      start = Math.min(start, c.best.createdAt);
      return { name: c.name, score: c.best.main };
    })
    .sort((a, b) => b.score - a.score);
  return { participants, baselines, start, end };
}
