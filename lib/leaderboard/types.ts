import type { LeaderboardMetrics, SortDir, SortKey } from "./leaderboard-columns";
import type { PhaseState } from "./resolve-phase-state";

export type Board = "public" | "private";

/** The one submission that stands for a competitor on a board, with its metrics on that board. */
export interface RankedEntry {
  /** Submission id: internal (ties and memo keys), never sent to a browser. */
  id: string;
  /** Submission.createdAt in ms: ties go to the earlier submission. */
  createdAt: number;
  /** Main score on the board's split. */
  main: number;
  metrics: LeaderboardMetrics;
}

/** A leaderboard line's owner, with its ranked entries as read by loadLeaderboardSnapshot. */
export interface Competitor {
  /** Internal only ("u:<userId>" / "t:<teamId>" / "b:<baselineId>"); never sent to a browser. */
  key: string;
  kind: "participant" | "baseline";
  /** User.name (never the e-mail), Team.name or Baseline.title. */
  name: string;
  /** A team's members, in the order they joined. */
  members?: string[];
  /** Scored + failed-by-user submissions (see the "submissions" column). */
  submissions: number;
  /** Best public entry. */
  best: RankedEntry;
  /** Best public entry among those made before the rank-change cutoff (24 h ago); metrics not loaded. */
  bestBefore: Pick<RankedEntry, "id" | "createdAt" | "main"> | null;
  /** Best private entry among the finals; only after the reveal, null before. */
  bestPrivate: (RankedEntry & { publicMain: number }) | null;
}

/** How a participant's rank moved: places up (positive) or down (negative), or "new". */
export type RankChange = number | "new";

export interface LeaderboardRow {
  /** Official rank among participants; null for baselines (they are references, not competitors). */
  rank: number | null;
  kind: "participant" | "baseline";
  name: string;
  /** A team's members, in the order they joined (absent for a solo participant or a baseline). */
  members?: string[];
  metrics: LeaderboardMetrics;
  /** On the private board: the public main score of the same entry, for comparison. */
  publicMain?: number | null;
  submissions: number;
  /** When the ranked submission was made. */
  bestAt: Date;
  /**
   * Public board: vs the board 24 h ago. Private board: vs the public rank ("shake-up").
   * null for baselines.
   */
  rankChange: RankChange | null;
  /** The ranked entry's winner verification status (lib/verification/verification-status.ts), when one was requested. */
  verification?: string;
}

export interface Leaderboard {
  board: Board;
  sort: SortKey;
  dir: SortDir;
  rows: LeaderboardRow[];
  phase: PhaseState["phase"];
  privateRevealed: boolean;
  /** What rankChange compares with. */
  rankChangeBasis: "24h" | "public";
  /** When the underlying data was read from the database. */
  generatedAt: Date;
}
