import type { Db, DbTransaction } from "./client";
import type { Engine } from "./engine";

/**
 * Which engine a client talks to, for the few statements that differ (row locks, SKIP LOCKED).
 * Read from the client itself rather than from DATABASE_URL, because tests and tools pass
 * clients for other databases than the process default.
 */
export function engineOfDb(db: Db | DbTransaction): Engine {
  // Prisma keeps the schema's provider on every client and transaction client, in an internal
  // field its generated types do not declare (hence the cast; an unknown value throws below).
  const provider = (db as unknown as { _activeProvider?: string })._activeProvider;
  if (provider === "sqlite") return "sqlite";
  if (provider === "postgresql" || provider === "postgres") return "postgres";
  throw new Error(`unknown database provider ${String(provider)}`);
}
