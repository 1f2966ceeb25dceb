import { getApiTokenUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { exportLeaderboard } from "@/lib/leaderboard/export-leaderboard";
import { leaderboardResponse } from "@/lib/leaderboard/leaderboard-response";
import { parseLeaderboardQuery } from "@/lib/leaderboard/get-leaderboard";
import { exportGenerationBoard, parseBoardTrack } from "@/lib/leaderboard/export-generation-board";

export const dynamic = "force-dynamic";

/**
 * Public: the leaderboard as JSON. `?board=public|private&sort=<column>&dir=asc|desc`.
 * The private board answers 403 until it is revealed. Cached briefly: the board itself is
 * refreshed within about a second of a new score.
 */
export const GET = handleRoute(async (request: Request) => {
  // Public; a personal API token is still checked (a revoked one is refused, each use counts).
  await getApiTokenUser(request, "read");
  const { searchParams } = new URL(request.url);
  // ?track=generation: the generation track's board (lower is better); absent: attributes, as before.
  if (parseBoardTrack(searchParams.get("track")) === "generation")
    return leaderboardResponse({ request, out: await exportGenerationBoard({ db: getDb(), searchParams, format: "json" }) });
  const query = parseLeaderboardQuery(searchParams);
  const out = await exportLeaderboard({ db: getDb(), query, format: "json" });
  return leaderboardResponse({ request, out });
});
