import type { Db } from "../db/client";
import { getUserTeam } from "../teams/get-user-team";
import { findCompetitorStanding, type CompetitorStanding } from "./find-competitor-standing";
import { getLeaderboardSnapshot, type SnapshotCacheOptions } from "./get-leaderboard-snapshot";

/**
 * A participant's standing on the public board (rank, gap to the leader and to each baseline),
 * for their submission pages: through the same cached snapshot as /leaderboard, so the page
 * and the board always agree. null when the participant has no scored entry on the board.
 */
export async function getCompetitorStanding(options: {
  db: Db;
  userId: string;
  now?: Date;
  cache?: SnapshotCacheOptions;
}): Promise<CompetitorStanding | null> {
  const cached = await getLeaderboardSnapshot({ db: options.db, now: options.now, ...options.cache });
  const team = await getUserTeam({ db: options.db, userId: options.userId });
  return findCompetitorStanding({ cached, query: { board: "public", sort: "rank", dir: "asc" }, userId: options.userId, teamId: team?.id });
}
