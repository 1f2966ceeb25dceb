import { getApiTokenUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { exportLeaderboard } from "@/lib/leaderboard/export-leaderboard";
import { leaderboardResponse } from "@/lib/leaderboard/leaderboard-response";
import { parseLeaderboardQuery } from "@/lib/leaderboard/get-leaderboard";
import { exportGenerationBoard, parseBoardTrack } from "@/lib/leaderboard/export-generation-board";

export const dynamic = "force-dynamic";

/** Public: the leaderboard as a CSV download; same query as /api/leaderboard. */
export const GET = handleRoute(async (request: Request) => {
  // Public; a personal API token is still checked (a revoked one is refused, each use counts).
  await getApiTokenUser(request, "read");
  const { searchParams } = new URL(request.url);
  if (parseBoardTrack(searchParams.get("track")) === "generation") {
    const board = searchParams.get("board") === "private" ? "private" : "public";
    return leaderboardResponse({
      request,
      out: await exportGenerationBoard({ db: getDb(), searchParams, format: "csv" }),
      headers: { "content-disposition": `attachment; filename="tiny-portraits-generation-leaderboard-${board}.csv"` },
    });
  }
  const query = parseLeaderboardQuery(searchParams);
  const out = await exportLeaderboard({ db: getDb(), query, format: "csv" });
  return leaderboardResponse({
    request,
    out,
    headers: { "content-disposition": `attachment; filename="tiny-portraits-leaderboard-${query.board}.csv"` },
  });
});
