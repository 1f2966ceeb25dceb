import { Prisma, type Db, type Job } from "../db/client";
import { engineOfDb } from "../db/engine-of-db";

export interface ClaimNextJobOptions {
  db: Db;
  workerId: string;
  /** How long the claim holds without a heartbeat. */
  leaseMs: number;
  /** Only these job types (the ones this worker can run). Default: any. */
  types?: readonly string[];
  /**
   * Look with a plain read before the UPDATE (default true). A busy worker whose last claim
   * found a job passes false: there is probably another one, and the read would only add a
   * round trip per job.
   */
  precheck?: boolean;
  now?: Date;
}

/**
 * Atomically takes the next job for `workerId`, or returns null when there is none.
 *
 * Claimable: queued with runAfter <= now (new jobs and retries after their back-off), or
 * running with an expired lease (its worker died or hung: the job is reclaimed). Either way
 * attempts goes up by one, so a job that keeps killing its workers runs out of attempts.
 * Oldest runAfter first.
 *
 * One statement on both engines, so no two workers can take the same job:
 * - PostgreSQL: `UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING *`.
 *   Concurrent claimers skip each other's locked candidate instead of queueing behind it; a
 *   candidate changed meanwhile is re-checked against the WHERE clause by PostgreSQL.
 * - SQLite: the same UPDATE without the lock clause. SQLite runs one writer at a time and the
 *   statement is atomic; a read-then-write transaction would fail with SQLITE_BUSY_SNAPSHOT
 *   under concurrency instead (docs/decisions/0002-database-queue.md).
 *
 * An idle worker would take SQLite's write lock on every poll, so a plain read looks for a
 * candidate first and the UPDATE runs only when there is one.
 */
export async function claimNextJob(options: ClaimNextJobOptions): Promise<Job | null> {
  const { db, workerId } = options;
  const now = options.now ?? new Date();
  const leaseExpiresAt = new Date(now.getTime() + options.leaseMs);
  const typeFilter = options.types && options.types.length > 0 ? Prisma.sql`AND "type" IN (${Prisma.join(options.types)})` : Prisma.empty;
  const claimable = Prisma.sql`(("status" = 'queued' AND "runAfter" <= ${now}) OR ("status" = 'running' AND "leaseExpiresAt" < ${now})) ${typeFilter}`;

  if (options.precheck !== false) {
    const candidates = await db.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Job" WHERE ${claimable} LIMIT 1`;
    if (candidates.length === 0) return null;
  }

  const lock = engineOfDb(db) === "postgres" ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
  const rows = await db.$queryRaw<Job[]>`
    UPDATE "Job"
    SET "status" = 'running', "workerId" = ${workerId}, "leaseExpiresAt" = ${leaseExpiresAt},
        "heartbeatAt" = ${now}, "attempts" = "attempts" + 1, "updatedAt" = ${now}
    WHERE "id" = (
      SELECT "id" FROM "Job" WHERE ${claimable}
      ORDER BY "runAfter", "createdAt", "id"
      LIMIT 1 ${lock}
    )
    RETURNING *`;
  return rows[0] ?? null;
}
