import type { LeaderboardQuery } from "@/lib/leaderboard/get-leaderboard";
import { COLUMNS, type SortKey } from "@/lib/leaderboard/leaderboard-columns";

/** Display helpers of the leaderboard page (no data access). */

export function formatScore(value: number | null | undefined, digits = 4): string {
  return value === null || value === undefined ? "—" : value.toFixed(digits);
}

export function formatSigned(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return "—";
  return `${value > 0 ? "+" : value < 0 ? "−" : "±"}${Math.abs(value).toFixed(digits)}`;
}

/** Minutes precision, UTC: everyone reads the same time whatever their zone. */
/** The count under a board: its lines are participants and teams alike (a team has one line). */
export function formatBoardCount(competitors: number): string {
  return competitors === 0 ? "Nobody on the board yet" : `${competitors} on the board (a team counts once)`;
}

export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function leaderboardHref(query: LeaderboardQuery & { page?: number }, base = "/leaderboard"): string {
  const p = new URLSearchParams();
  if (query.board !== "public") p.set("board", query.board);
  if (query.sort !== "rank") p.set("sort", query.sort);
  const column = COLUMNS.find((c) => c.key === query.sort);
  if (!column || query.dir !== column.defaultDir) p.set("dir", query.dir);
  if (query.page && query.page > 1) p.set("page", String(query.page));
  if (query.phase) p.set("phase", query.phase);
  const s = p.toString();
  return s ? `${base}?${s}` : base;
}

/** The header link of a column: first click sorts best-first, a second click reverses. */
export function sortHref(current: LeaderboardQuery, key: SortKey): string {
  const column = COLUMNS.find((c) => c.key === key)!;
  const dir = current.sort === key ? (current.dir === "asc" ? "desc" : "asc") : column.defaultDir;
  return leaderboardHref({ board: current.board, sort: key, dir, phase: current.phase });
}
