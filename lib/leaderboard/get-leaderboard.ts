import { z } from "zod";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { buildLeaderboardRows } from "./build-leaderboard-rows";
import type { ScoreSeries } from "./compute-score-series";
import { getLeaderboardSnapshot, type CachedSnapshot, type SnapshotCacheOptions } from "./get-leaderboard-snapshot";
import { COLUMNS, SORT_KEYS, type SortDir, type SortKey } from "./leaderboard-columns";
import { sortLeaderboardRows } from "./sort-leaderboard-rows";
import type { Board, Leaderboard } from "./types";
import type { LeaderboardPhase } from "./load-leaderboard-snapshot";

/**
 * The query of the page, the JSON API and the CSV export: `?board=public&sort=hairColorF1&dir=desc`,
 * and `phase=<id>` for another phase's board (absent: the current phase, as before phases were kept apart).
 */
export const leaderboardQuerySchema = z.object({
  board: z.enum(["public", "private"], { error: 'board must be "public" or "private"' }).default("public"),
  sort: z.enum(SORT_KEYS, { error: `sort must be one of: ${SORT_KEYS.join(", ")}` }).default("rank"),
  dir: z.enum(["asc", "desc"], { error: 'dir must be "asc" or "desc"' }).optional(),
  phase: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "phase must be a phase id (letters, digits, - and _)")
    .optional(),
});
export type LeaderboardQueryInput = z.input<typeof leaderboardQuerySchema>;
export interface LeaderboardQuery {
  board: Board;
  sort: SortKey;
  dir: SortDir;
  /** The phase's board; absent: the current phase. */
  phase?: string;
}

/**
 * Parses the query parameters (the first value of a repeated one; others, like a cache-buster,
 * are ignored). Throws a `validation` AppError naming each bad parameter.
 */
export function parseLeaderboardQuery(params: URLSearchParams | Record<string, string | string[] | undefined>): LeaderboardQuery {
  const get = (k: string) => {
    if (params instanceof URLSearchParams) return params.get(k) ?? undefined;
    const v = params[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const parsed = leaderboardQuerySchema.safeParse({ board: get("board"), sort: get("sort"), dir: get("dir"), phase: get("phase") });
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message }));
    throw new AppError("validation", { user: `Invalid leaderboard query: ${details.map((d) => d.message).join("; ")}.`, details });
  }
  const { board, sort, phase } = parsed.data;
  const dir = parsed.data.dir ?? COLUMNS.find((c) => c.key === sort)!.defaultDir;
  return phase === undefined ? { board, sort, dir } : { board, sort, dir, phase };
}

export interface GetLeaderboardOptions {
  db: Db;
  query: LeaderboardQuery;
  now?: Date;
  cache?: SnapshotCacheOptions;
}

export interface LeaderboardWithSeries extends Leaderboard {
  series: ScoreSeries;
  /** Every phase (each has its own board), for a phase selector. */
  phases: LeaderboardPhase[];
}

/**
 * The board of the current dataset, sorted as asked. Private board before the reveal: a
 * `forbidden` AppError (and the snapshot holds no private number to begin with).
 */
export async function getLeaderboard(options: GetLeaderboardOptions): Promise<LeaderboardWithSeries> {
  const cached = await getLeaderboardSnapshot({ db: options.db, now: options.now, phaseId: options.query.phase, ...options.cache });
  return leaderboardFromSnapshot(cached, options.query);
}

/** The sorted board from a cached snapshot, memoised per board and sort with the snapshot. */
export function leaderboardFromSnapshot(cached: CachedSnapshot, query: LeaderboardQuery): LeaderboardWithSeries {
  const { snapshot } = cached;
  const { board, sort, dir } = query;
  const rows = cached.memo(`rows:${board}`, () => buildLeaderboardRows({ snapshot, board }));
  const sorted = cached.memo(`sorted:${board}:${sort}:${dir}`, () => sortLeaderboardRows({ rows, sort, dir }));
  return {
    board,
    sort,
    dir,
    rows: sorted,
    phase: snapshot.phaseState.phase,
    privateRevealed: snapshot.phaseState.privateRevealed,
    rankChangeBasis: board === "private" ? "public" : "24h",
    generatedAt: snapshot.generatedAt,
    series: snapshot.series,
    phases: snapshot.phases,
  };
}
