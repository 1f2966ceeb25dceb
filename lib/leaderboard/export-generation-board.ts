import { stringify } from "csv-stringify/sync";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { csvCell } from "../csv/stream-csv";
import { generationTrack } from "../tracks/generation-track";
import type { LeaderboardExport } from "./export-leaderboard";
import { loadGenerationBoard, type GenerationBoardKind } from "./load-generation-board";

/** `?track=` of the leaderboard URLs: absent or "attributes" is the attributes board, as before tracks. */
export function parseBoardTrack(value: string | null | undefined): "attributes" | "generation" {
  if (value === null || value === undefined || value === "" || value === "attributes") return "attributes";
  if (value === "generation") return "generation";
  throw new AppError("validation", {
    user: 'Invalid leaderboard query: track must be "attributes" or "generation".',
    details: [{ field: "track", message: 'expected "attributes" or "generation"' }],
  });
}

/** `?board=` of the generation board. */
export function parseGenerationBoardKind(value: string | null | undefined): GenerationBoardKind {
  if (value === null || value === undefined || value === "" || value === "public") return "public";
  if (value === "private") return "private";
  throw new AppError("validation", {
    user: 'Invalid leaderboard query: board must be "public" or "private".',
    details: [{ field: "board", message: 'expected "public" or "private"' }],
  });
}

/**
 * The generation board (loadGenerationBoard) as the body of `/api/leaderboard?track=generation`
 * (JSON) or its CSV export: rank (empty for baselines), name, baseline and images flags, then the
 * track's metric columns (lib/tracks/generation-track.ts), lower main score first. Names pass
 * the CSV formula guard.
 */
export async function exportGenerationBoard(options: {
  db: Db;
  searchParams: URLSearchParams;
  format: "json" | "csv";
  now?: Date;
}): Promise<LeaderboardExport> {
  const board = await loadGenerationBoard({
    db: options.db,
    board: parseGenerationBoardKind(options.searchParams.get("board")),
    phaseId: options.searchParams.get("phase") ?? undefined,
    now: options.now,
  });
  const keys = generationTrack.metrics.map((m) => m.key);
  if (options.format === "json") {
    const body = JSON.stringify({
      track: generationTrack.id,
      board: board.board,
      higherIsBetter: generationTrack.higherIsBetter,
      phase: board.phase,
      privateRevealed: board.privateRevealed,
      generatedAt: board.generatedAt,
      columns: generationTrack.metrics.map((m) => ({
        key: m.key,
        label: m.label,
        description: m.description,
        higherIsBetter: m.higherIsBetter,
      })),
      rows: board.rows.map((r) => ({
        rank: r.rank,
        name: r.name,
        isBaseline: r.isBaseline,
        kind: r.kind,
        flag: r.flag,
        memorised: r.memorised,
        submittedAt: r.submittedAt,
        entries: r.entries,
        ...Object.fromEntries(keys.map((k) => [k, r.metrics[k]])),
      })),
    });
    return { body, contentType: "application/json; charset=utf-8", generatedAt: board.generatedAt };
  }
  const header = ["rank", "name", "baseline", "kind", "flag", "memorised", ...keys, "submittedAt", "entries"];
  const rows = board.rows.map((r) =>
    [
      r.rank,
      r.name,
      String(r.isBaseline),
      r.kind,
      r.flag,
      String(r.memorised),
      ...keys.map((k) => r.metrics[k]),
      r.submittedAt,
      r.entries,
    ].map((v) => csvCell(v)),
  );
  const body = stringify([header, ...rows], { quoted_match: /[;\t|]/ });
  return { body, contentType: "text/csv; charset=utf-8", generatedAt: board.generatedAt };
}
