import type { LeaderboardRow } from "./types";

// 50 rows keep the server-rendered page light (its HTML and React payload grow with every row).
export const LEADERBOARD_PAGE_SIZE = 50;

export interface LeaderboardPage {
  rows: LeaderboardRow[];
  page: number;
  pageCount: number;
  /** Participants on the whole board (baselines not counted). */
  participantCount: number;
}

/**
 * One page of a sorted board for the HTML page. Pages count participants only; every baseline
 * is on every page, at its place in the sort order (above the first row or below the last when
 * it sorts outside the page), so the references are always in view however low they rank.
 * A page past the end is clamped to the last one.
 */
export function paginateLeaderboardRows(options: { rows: readonly LeaderboardRow[]; page: number; pageSize?: number }): LeaderboardPage {
  const pageSize = options.pageSize ?? LEADERBOARD_PAGE_SIZE;
  const participantCount = options.rows.reduce((n, r) => n + (r.kind === "participant" ? 1 : 0), 0);
  const pageCount = Math.max(1, Math.ceil(participantCount / pageSize));
  const page = Math.min(Math.max(1, Math.floor(options.page) || 1), pageCount);
  const start = (page - 1) * pageSize;
  const end = start + pageSize;
  const rows: LeaderboardRow[] = [];
  let i = 0;
  for (const row of options.rows) {
    if (row.kind === "baseline") rows.push(row);
    else {
      if (i >= start && i < end) rows.push(row);
      i++;
    }
  }
  return { rows, page, pageCount, participantCount };
}
