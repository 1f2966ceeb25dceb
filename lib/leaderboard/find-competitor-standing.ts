import { leaderboardFromSnapshot, type LeaderboardQuery } from "./get-leaderboard";
import type { CachedSnapshot } from "./get-leaderboard-snapshot";
import { LEADERBOARD_PAGE_SIZE } from "./paginate-leaderboard-rows";
import { rowOwnerKey } from "./row-owner-key";
import type { LeaderboardRow } from "./types";

/** Where one participant stands on a board, in the numbers the board itself shows. */
export interface CompetitorStanding {
  /** Official rank among participants on this board. */
  rank: number;
  /**
   * The team whose line this is, when the viewer's entries count for a team (the pages then speak
   * of "your team"); null for a solo participant's line.
   */
  team: { name: string; members: string[] } | null;
  participantCount: number;
  /** The page of the board, in the query's sort order, that holds the participant's row. */
  page: number;
  /** The participant's score as the board shows it (under the phase's score policy). */
  main: number | null;
  /** The participant ranked first (possibly the participant themself). */
  leader: { name: string; main: number | null };
  /** leader.main - main: how far behind the leader (0 for the leader). */
  gapToLeader: number | null;
  /** main - baseline's main, per baseline in board order: positive means ahead of it. */
  baselines: { name: string; main: number | null; gap: number | null }[];
}

interface BoardIndex {
  byKey: Map<string, { row: LeaderboardRow; page: number }>;
  leader: LeaderboardRow | undefined;
  baselines: LeaderboardRow[];
  participantCount: number;
}

/**
 * The participant's standing on the board the query names, from the cached snapshot. The
 * index is built once per snapshot, board and sort (a map lookup per request after that), so
 * marking the viewer's row costs nothing next to the cached table. Uses only the board's own
 * rows: the numbers are those the score policy lets the board show, never the exact ones.
 * null: the participant has no row on this board. The private board before the reveal throws
 * like leaderboardFromSnapshot.
 */
export function findCompetitorStanding(options: {
  cached: CachedSnapshot;
  query: LeaderboardQuery;
  userId: string;
  /** The viewer's team (lib/teams/get-user-team.ts): its line is theirs. */
  teamId?: string | null;
  pageSize?: number;
}): CompetitorStanding | null {
  const { cached, query } = options;
  const pageSize = options.pageSize ?? LEADERBOARD_PAGE_SIZE;
  const index = cached.memo(`standing-index:${query.board}:${query.sort}:${query.dir}:${pageSize}`, () =>
    indexBoard(leaderboardFromSnapshot(cached, query).rows, pageSize),
  );
  // On a board of a phase before they teamed up, their solo line is theirs.
  const teamLine = options.teamId ? index.byKey.get(`t:${options.teamId}`) : undefined;
  const found = teamLine ?? index.byKey.get(`u:${options.userId}`);
  if (!found || found.row.rank === null || !index.leader) return null;
  const main = found.row.metrics.main;
  const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return {
    rank: found.row.rank,
    team: teamLine ? { name: found.row.name, members: found.row.members ?? [] } : null,
    participantCount: index.participantCount,
    page: found.page,
    main,
    leader: { name: index.leader.name, main: index.leader.metrics.main },
    gapToLeader: minus(index.leader.metrics.main, main),
    baselines: index.baselines.map((b) => ({ name: b.name, main: b.metrics.main, gap: minus(main, b.metrics.main) })),
  };
}

function indexBoard(rows: readonly LeaderboardRow[], pageSize: number): BoardIndex {
  const byKey = new Map<string, { row: LeaderboardRow; page: number }>();
  const baselines: LeaderboardRow[] = [];
  let leader: LeaderboardRow | undefined;
  let participants = 0;
  // Pages count participants only, as paginateLeaderboardRows does.
  for (const row of rows) {
    if (row.kind === "baseline") {
      baselines.push(row);
      continue;
    }
    const key = rowOwnerKey(row);
    if (key) byKey.set(key, { row, page: Math.floor(participants / pageSize) + 1 });
    if (row.rank === 1) leader = row;
    participants++;
  }
  return { byKey, leader, baselines, participantCount: participants };
}
