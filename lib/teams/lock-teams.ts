import { Prisma, type DbTransaction } from "../db/client";
import type { Engine } from "../db/engine";

/**
 * The first statement of every team-changing transaction: takes the teams it will change, so
 * concurrent joins, merges and departures of the same teams run one after the other and each
 * re-reads what the previous one committed.
 * - PostgreSQL: row locks, always in id order (two merges locking {A, B} from either side cannot
 *   deadlock); then the rows are touched.
 * - SQLite: the touch is a write, and a transaction whose first statement writes holds the
 *   database's single write lock before it reads anything, the approach of lib/queue/claim-next-job.ts
 *   (a read-then-write transaction would fail with SQLITE_BUSY_SNAPSHOT instead).
 * The touch moves Team.updatedAt, which the leaderboard's version check watches (its member list).
 */
export async function lockTeams(options: { tx: DbTransaction; engine: Engine; teamIds: readonly string[]; now: Date }): Promise<void> {
  const ids = [...new Set(options.teamIds)].sort();
  if (ids.length === 0) return;
  const { tx } = options;
  if (options.engine === "postgres")
    await tx.$queryRaw`SELECT "id" FROM "Team" WHERE "id" IN (${Prisma.join(ids)}) ORDER BY "id" FOR UPDATE`;
  await tx.team.updateMany({ where: { id: { in: ids } }, data: { updatedAt: options.now } });
}

/** For transactions of a user who is in no team yet: the user's own row plays the lock's part. */
export async function lockUser(options: { tx: DbTransaction; engine: Engine; userId: string; now: Date }): Promise<void> {
  const { tx } = options;
  if (options.engine === "postgres") await tx.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${options.userId} FOR UPDATE`;
  else await tx.$executeRaw`UPDATE "User" SET "id" = "id" WHERE "id" = ${options.userId}`;
}

/** Team transactions wait for each other's locks: as long as the queue's (lib/queue/complete-job.ts). */
export const TEAM_TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;
