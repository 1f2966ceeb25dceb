import { AppError } from "../errors/app-error";
import { metricsFromSplitScores } from "./leaderboard-columns";
import type { LeaderboardSnapshot } from "./load-leaderboard-snapshot";
import { selectBestPrivateEntry, selectBestPublicEntry } from "./select-ranked-entries";
import type { Board, Competitor, LeaderboardRow, LightEntry } from "./types";

export const RANK_CHANGE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface BuildLeaderboardRowsOptions {
  snapshot: LeaderboardSnapshot;
  board: Board;
  /** The public rank change compares with the board as it stood at now - 24 h. */
  now: Date;
}

/**
 * A board's rows in official order (best main score first, ties to the earlier submission).
 * Baselines sit where their score puts them but take no rank number, so a participant's rank
 * is their place among participants whatever references the organizers add.
 */
export function buildLeaderboardRows(options: BuildLeaderboardRowsOptions): LeaderboardRow[] {
  const { snapshot, board, now } = options;
  if (board === "private") return buildPrivateRows(snapshot);

  const ranked = rankCompetitors(snapshot.competitors, (c) => selectBestPublicEntry({ entries: c.entries }), (e) => e.publicMain);
  const before = rankCompetitors(snapshot.competitors, (c) => selectBestPublicEntry({ entries: c.entries, before: now.getTime() - RANK_CHANGE_WINDOW_MS }), (e) => e.publicMain);
  const oldRank = ranksByKey(before);
  return assignRanks(ranked).map(({ competitor, entry, rank }) => ({
    rank,
    kind: competitor.kind,
    name: competitor.name,
    metrics: snapshot.publicMetrics.get(entry.id) ?? metricsFromSplitScores(entry.publicMain, null),
    submissions: competitor.submissions,
    bestAt: new Date(entry.createdAt),
    rankChange: rank === null ? null : change(oldRank.get(competitor.key), rank),
  }));
}

function buildPrivateRows(snapshot: LeaderboardSnapshot): LeaderboardRow[] {
  const privateMetrics = snapshot.privateMetrics;
  if (!snapshot.phaseState.privateRevealed || privateMetrics === null) {
    throw new AppError("forbidden", {
      user: "The private leaderboard is shown once the challenge phase has ended.",
      internal: "private board requested before the reveal",
    });
  }
  const maxFinal = snapshot.phaseState.maxFinal;
  const ranked = rankCompetitors(snapshot.competitors, (c) => selectBestPrivateEntry({ entries: c.entries, maxFinal }), (e) => e.privateMain);
  // The shake-up: how far each participant moved from their public rank.
  const publicRank = ranksByKey(rankCompetitors(snapshot.competitors, (c) => selectBestPublicEntry({ entries: c.entries }), (e) => e.publicMain));
  return assignRanks(ranked).map(({ competitor, entry, rank }) => ({
    rank,
    kind: competitor.kind,
    name: competitor.name,
    metrics: privateMetrics.get(entry.id) ?? metricsFromSplitScores(entry.privateMain ?? null, null),
    publicMain: entry.publicMain,
    submissions: competitor.submissions,
    bestAt: new Date(entry.createdAt),
    rankChange: rank === null ? null : change(publicRank.get(competitor.key), rank),
  }));
}

interface Ranked {
  competitor: Competitor;
  entry: LightEntry;
}

/** Competitors with an entry, in official order: score desc (missing last), earliest entry, id. */
function rankCompetitors(
  competitors: readonly Competitor[],
  pick: (c: Competitor) => LightEntry | undefined,
  score: (e: LightEntry) => number | undefined,
): Ranked[] {
  const out: Ranked[] = [];
  for (const competitor of competitors) {
    const entry = pick(competitor);
    if (entry) out.push({ competitor, entry });
  }
  return out.sort((a, b) => {
    const sa = score(a.entry);
    const sb = score(b.entry);
    if (sa !== sb) {
      if (sa === undefined || Number.isNaN(sa)) return 1;
      if (sb === undefined || Number.isNaN(sb)) return -1;
      return sb - sa;
    }
    return a.entry.createdAt - b.entry.createdAt || (a.entry.id < b.entry.id ? -1 : 1);
  });
}

function assignRanks(ranked: Ranked[]): (Ranked & { rank: number | null })[] {
  let next = 1;
  return ranked.map((r) => ({ ...r, rank: r.competitor.kind === "participant" ? next++ : null }));
}

function ranksByKey(ranked: Ranked[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of assignRanks(ranked)) if (r.rank !== null) m.set(r.competitor.key, r.rank);
  return m;
}

function change(previous: number | undefined, rank: number): number | "new" {
  return previous === undefined ? "new" : previous - rank;
}
