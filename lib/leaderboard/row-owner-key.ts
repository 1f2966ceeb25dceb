import type { LeaderboardRow } from "./types";

/*
 * Which competitor a row belongs to ("u:<userId>" / "t:<teamId>" / "b:<baselineId>"), for marking the viewer's
 * own row and finding their standing. Kept as a non-enumerable symbol property so it never
 * leaves the server: the JSON export spreads rows (`{ ...row }`) and spreading, JSON.stringify
 * and Object.keys all skip non-enumerable properties. Symbol.for, because Next.js bundles each
 * route separately while the snapshot cache (and its rows) is shared through globalThis.
 */
const OWNER = Symbol.for("tiny-portraits.leaderboard-row-owner");

export function setRowOwnerKey<R extends LeaderboardRow>(row: R, key: string): R {
  Object.defineProperty(row, OWNER, { value: key, enumerable: false });
  return row;
}

export function rowOwnerKey(row: LeaderboardRow): string | undefined {
  return (row as unknown as Record<symbol, string | undefined>)[OWNER];
}
