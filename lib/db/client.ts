/**
 * The one Prisma module. Everything that talks to the database (pages, route handlers, the
 * scorer, the CLIs) gets its client from here.
 *
 * Not marked "server-only": the CLIs and the scorer worker import it outside Next.js.
 *
 * Two generated clients exist (lib/db/generated/sqlite and .../postgres, see
 * prisma/generate.ts); DATABASE_URL picks one at run time. Their model types are identical
 * but the two PrismaClient classes are not assignable to each other, so the SQLite one is
 * the exported `Db` type and the PostgreSQL client is cast to it.
 */
import { env } from "../env";
import { pgAdapterFactory, sqliteAdapterFactory } from "./adapters";
import { engineOf } from "./engine";
import { Prisma, PrismaClient as SqlitePrismaClient, type User } from "./generated/sqlite";
import type { ITXClientDenyList, Types } from "./generated/sqlite/runtime/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgres";

// Types and Prisma.* helpers (sql, JsonNull, error classes) come from the SQLite client; both
// clients share one runtime (prisma/generate.ts links them), so the values work on either engine.
export { Prisma };
export type {
  Baseline,
  Dataset,
  DatasetFile,
  DownloadLog,
  Job,
  Phase,
  RescoreBatch,
  Score,
  Submission,
  TermsAcceptance,
  User,
  WinnerVerification,
} from "./generated/sqlite";

type UnwrapTuple<P extends readonly unknown[]> = Types.Utils.UnwrapTuple<P>;

/** A user as queries return it by default: without the password hash. */
export type PublicUser = Omit<User, "passwordHash">;

/** Options shared by both engines. Secrets are omitted from every result unless selected. */
const clientOptions = {
  omit: { user: { passwordHash: true } },
} as const;

function createSqliteClient(databaseUrl: string) {
  return new SqlitePrismaClient({ ...clientOptions, adapter: sqliteAdapterFactory(databaseUrl) });
}

type GeneratedDb = ReturnType<typeof createSqliteClient>;

/**
 * The client inside `db.$transaction(async (tx) => ...)`. Prisma types `tx` as a client
 * without the global `omit` (so `tx.user.findFirst()` would claim a passwordHash that is
 * not there at run time); this type keeps it.
 */
export type DbTransaction = Omit<GeneratedDb, ITXClientDenyList>;

/** The Prisma client type used everywhere, whatever the engine. */
export type Db = Omit<GeneratedDb, "$transaction"> & {
  $transaction<P extends Prisma.PrismaPromise<unknown>[]>(
    queries: [...P],
    options?: { isolationLevel?: Prisma.TransactionIsolationLevel },
  ): Promise<UnwrapTuple<P>>;
  $transaction<R>(
    fn: (tx: DbTransaction) => Promise<R>,
    options?: { maxWait?: number; timeout?: number; isolationLevel?: Prisma.TransactionIsolationLevel },
  ): Promise<R>;
};

export interface CreateDbOptions {
  /** PostgreSQL pool size for this client (default 10). Ignored on SQLite. */
  poolSize?: number;
}

/**
 * A new client for the given url. For tests and tools that need their own database; the
 * application uses getDb(). The caller owns it and must `$disconnect()` it.
 */
export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Db {
  if (engineOf(databaseUrl) === "sqlite") return createSqliteClient(databaseUrl);
  const client = new PostgresPrismaClient({
    ...clientOptions,
    adapter: pgAdapterFactory(databaseUrl, { max: options.poolSize }),
  });
  // Same models, same query API, but the two generated PrismaClient classes are not assignable
  // to each other (each declares its own private and generic members), so the PostgreSQL client
  // takes the SQLite client's type (see the file comment).
  return client as unknown as Db;
}

// Kept on globalThis so Next.js dev-mode module reloading does not open a new pool per edit.
declare global {
  var __tinyPortraitsDb: { url: string; db: Db } | undefined;
}

/** The process-wide client for DATABASE_URL (or the default SQLite file under DATA_DIR). */
export function getDb(): Db {
  const url = env().databaseUrl;
  const cached = globalThis.__tinyPortraitsDb;
  if (cached && cached.url === url) return cached.db;
  if (cached) void cached.db.$disconnect();
  const db = createDb(url);
  globalThis.__tinyPortraitsDb = { url, db };
  return db;
}

/** Disconnects the process-wide client (graceful shutdown, end of a CLI). */
export async function closeDb(): Promise<void> {
  const cached = globalThis.__tinyPortraitsDb;
  globalThis.__tinyPortraitsDb = undefined;
  if (cached) await cached.db.$disconnect();
}
