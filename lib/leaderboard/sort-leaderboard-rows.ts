import type { SortDir, SortKey } from "./leaderboard-columns";
import type { LeaderboardRow } from "./types";

/**
 * Rows re-ordered by a column, for display. Rows must come in official order (buildLeaderboardRows).
 *
 * - Missing values (null: a metric that could not be measured) go last in both directions:
 *   sorting "ascending" must not put a blank score on top.
 * - Ties keep the earliest ranked submission first (whatever the direction), then official order.
 * - "rank" is the official order itself (baselines included where their score puts them).
 * - "fairnessGap" sorts by the size of the gap; the sign only says who the model favours.
 */
export function sortLeaderboardRows(options: { rows: readonly LeaderboardRow[]; sort: SortKey; dir: SortDir }): LeaderboardRow[] {
  const { rows, sort, dir } = options;
  const indexed = rows.map((row, index) => ({ row, index, value: valueOf(row, sort, index) }));
  const sign = dir === "asc" ? 1 : -1;
  indexed.sort((a, b) => {
    if (a.value !== b.value) {
      if (a.value === null) return 1;
      if (b.value === null) return -1;
      return sign * (a.value - b.value);
    }
    return a.row.bestAt.getTime() - b.row.bestAt.getTime() || a.index - b.index;
  });
  return indexed.map((x) => x.row);
}

function valueOf(row: LeaderboardRow, sort: SortKey, index: number): number | null {
  switch (sort) {
    case "rank":
      return index;
    case "submissions":
      return row.submissions;
    case "bestAt":
      return row.bestAt.getTime();
    case "fairnessGap":
      return row.metrics.fairnessGap === null ? null : Math.abs(row.metrics.fairnessGap);
    default: {
      const v = row.metrics[sort];
      return v === null || Number.isNaN(v) ? null : v;
    }
  }
}
