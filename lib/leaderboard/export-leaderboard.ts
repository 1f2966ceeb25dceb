import { stringify } from "csv-stringify/sync";
import { neutraliseFormula } from "../csv/neutralise-formula";
import type { Db } from "../db/client";
import { leaderboardFromSnapshot, type LeaderboardQuery, type LeaderboardWithSeries } from "./get-leaderboard";
import { getLeaderboardSnapshot, type SnapshotCacheOptions } from "./get-leaderboard-snapshot";
import { COLUMNS, METRIC_KEYS, type LeaderboardMetrics } from "./leaderboard-columns";

export type LeaderboardFormat = "json" | "csv";

export interface ExportLeaderboardOptions {
  db: Db;
  query: LeaderboardQuery;
  format: LeaderboardFormat;
  now?: Date;
  cache?: SnapshotCacheOptions;
}

export interface LeaderboardExport {
  body: string;
  contentType: string;
  generatedAt: Date;
}

/**
 * The board as the body of `/api/leaderboard` (JSON) or its CSV export. The serialised text is
 * memoised with the snapshot, so under load the API sends a cached string instead of
 * re-serialising a thousand rows per request.
 */
export async function exportLeaderboard(options: ExportLeaderboardOptions): Promise<LeaderboardExport> {
  const now = options.now ?? new Date();
  const cached = await getLeaderboardSnapshot({ db: options.db, now, phaseId: options.query.phase, ...options.cache });
  const { board, sort, dir } = options.query;
  const body = cached.memo(`body:${options.format}:${board}:${sort}:${dir}`, () => {
    const lb = leaderboardFromSnapshot(cached, options.query);
    return options.format === "csv" ? leaderboardCsv(lb) : JSON.stringify(leaderboardJson(lb));
  });
  return {
    body,
    contentType: options.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    generatedAt: cached.snapshot.generatedAt,
  };
}

/** The public JSON shape (dates as ISO strings). */
export function leaderboardJson(lb: LeaderboardWithSeries) {
  return {
    board: lb.board,
    sort: lb.sort,
    dir: lb.dir,
    generatedAt: lb.generatedAt.toISOString(),
    phase: lb.phase && { ...lb.phase, startsAt: lb.phase.startsAt.toISOString(), endsAt: lb.phase.endsAt.toISOString() },
    privateRevealed: lb.privateRevealed,
    // The other phases' boards: /api/leaderboard?phase=<id>.
    phases: lb.phases,
    rankChangeBasis: lb.rankChangeBasis,
    columns: COLUMNS,
    // Six decimals: more than any score can mean on a few thousand test images, and it halves
    // the JSON the server sends (and compresses) for 1,000 rows.
    rows: lb.rows.map((r) => ({
      ...r,
      metrics: roundMetrics(r.metrics),
      ...(r.publicMain != null ? { publicMain: round6(r.publicMain) } : {}),
      bestAt: r.bestAt.toISOString(),
    })),
    series: lb.series,
  };
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

function roundMetrics(m: LeaderboardMetrics): LeaderboardMetrics {
  const out = { ...m };
  for (const k of METRIC_KEYS) if (out[k] !== null) out[k] = round6(out[k]!);
  return out;
}

function leaderboardCsv(lb: LeaderboardWithSeries): string {
  const header = [
    "rank",
    "kind",
    "name",
    ...METRIC_KEYS,
    ...(lb.board === "private" ? ["publicMain"] : []),
    "submissions",
    "bestAt",
    "rankChange",
  ];
  const records = lb.rows.map((r) => [
    r.rank ?? "",
    r.kind,
    r.name,
    ...METRIC_KEYS.map((k) => r.metrics[k] ?? ""),
    ...(lb.board === "private" ? [r.publicMain ?? ""] : []),
    r.submissions,
    r.bestAt.toISOString(),
    r.rankChange ?? "",
  ]);
  // A participant may call themselves "=HYPERLINK(...)": neutralise formula-looking names for
  // spreadsheet users (OWASP CSV injection), the only free text in the file.
  for (const rec of records) rec[2] = neutraliseFormula(String(rec[2]));
  // Quoted when they hold a separator of another locale too (`;` in much of Europe, tab), so a
  // spreadsheet that honours quotes keeps the name in one cell.
  return stringify([header, ...records], { quoted_match: /[;\t|]/ });
}

// The guard lives in lib/csv (every CSV export uses it); re-exported for existing callers.
export { neutraliseFormula };
