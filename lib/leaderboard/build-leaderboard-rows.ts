import { AppError } from "../errors/app-error";
import type { LeaderboardSnapshot } from "./load-leaderboard-snapshot";
import { setRowOwnerKey } from "./row-owner-key";
import type { Board, Competitor, LeaderboardRow } from "./types";

interface Scored {
  competitor: Competitor;
  entry: { id: string; createdAt: number; main: number };
}

/**
 * A board's rows in official order: best main score first, ties to the earlier submission (then
 * the id, so the order is total). Baselines sit where their score puts them but take no rank
 * number, so a participant's rank is their place among participants whatever references the
 * organizers add. Public board: rank change vs the board at snapshot.rankChangeCutoff (24 h
 * ago). Private board (only after the reveal, else a `forbidden` AppError): rank change vs the
 * public rank, the "shake-up".
 */
export function buildLeaderboardRows(options: { snapshot: LeaderboardSnapshot; board: Board }): LeaderboardRow[] {
  const { snapshot, board } = options;
  const cs = snapshot.competitors;
  const publicOrder = rank(cs.map((c) => ({ competitor: c, entry: c.best })));
  if (board === "public") {
    const before = ranksByKey(rank(cs.flatMap((c) => (c.bestBefore ? [{ competitor: c, entry: c.bestBefore }] : []))));
    return assignRanks(publicOrder).map(({ competitor: c, rank: r }) =>
      setRowOwnerKey(
        {
          rank: r,
          kind: c.kind,
          name: c.name,
          ...(c.members ? { members: c.members } : {}),
          metrics: c.best.metrics,
          submissions: c.submissions,
          bestAt: new Date(c.best.createdAt),
          rankChange: r === null ? null : change(before.get(c.key), r),
          ...verificationOf(snapshot, c.best.id),
        },
        c.key,
      ),
    );
  }

  if (!snapshot.phaseState.privateRevealed) {
    throw new AppError("forbidden", {
      user: "The private leaderboard is shown once the challenge phase has ended.",
      internal: "private board requested before the reveal",
    });
  }
  const publicRank = ranksByKey(publicOrder);
  const privateOrder = rank(cs.flatMap((c) => (c.bestPrivate ? [{ competitor: c, entry: c.bestPrivate }] : [])));
  return assignRanks(privateOrder).map(({ competitor: c, rank: r }) =>
    setRowOwnerKey(
      {
        rank: r,
        kind: c.kind,
        name: c.name,
        ...(c.members ? { members: c.members } : {}),
        metrics: c.bestPrivate!.metrics,
        publicMain: c.bestPrivate!.publicMain,
        submissions: c.submissions,
        bestAt: new Date(c.bestPrivate!.createdAt),
        rankChange: r === null ? null : change(publicRank.get(c.key), r),
        ...verificationOf(snapshot, c.bestPrivate!.id),
      },
      c.key,
    ),
  );
}

function rank(list: Scored[]): Scored[] {
  return list.sort((a, b) => b.entry.main - a.entry.main || a.entry.createdAt - b.entry.createdAt || (a.entry.id < b.entry.id ? -1 : 1));
}

function assignRanks(ranked: Scored[]): (Scored & { rank: number | null })[] {
  let next = 1;
  return ranked.map((r) => ({ ...r, rank: r.competitor.kind === "participant" ? next++ : null }));
}

function ranksByKey(ranked: Scored[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of assignRanks(ranked)) if (r.rank !== null) m.set(r.competitor.key, r.rank);
  return m;
}

function change(previous: number | undefined, rank: number): number | "new" {
  return previous === undefined ? "new" : previous - rank;
}

/** `{ verification }` when the entry's verification was requested, else nothing (the field stays out of the JSON). */
function verificationOf(snapshot: LeaderboardSnapshot, submissionId: string): { verification?: string } {
  const status = snapshot.verifications?.[submissionId];
  return status ? { verification: status } : {};
}
