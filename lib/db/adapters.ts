/**
 * Driver adapter factories for both engines, shared by the runtime client (client.ts)
 * and the Prisma CLI (prisma/<engine>/prisma.config.ts), so the CLI migrates through
 * exactly the connection code the application uses.
 *
 * Relative imports only: the Prisma CLI loads this file through its own TypeScript
 * loader (jiti), which does not know the "@/" alias.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { pgConnectionFields, pgLogin, sqliteFilePath, type PgConnectionFields } from "./engine";

// ---------------------------------------------------------------------------------------
// SQLite
// ---------------------------------------------------------------------------------------

/** How long a SQLite writer waits for the lock before SQLITE_BUSY (several processes share the file). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Put a SQLite file into WAL mode (readers never block the writer; the web server and the
 * workers are separate processes). WAL is a property of the file, so doing it once on open
 * is enough; it is synchronous so getDb() can stay synchronous. Creates the parent folder.
 */
export function prepareSqliteFile(file: string): void {
  if (file === ":memory:") return;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
}

type SqliteDriverAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;

/**
 * The schema engine sends a whole migration (many statements) through executeRaw, which
 * better-sqlite3 refuses ("The supplied SQL string contains more than one statement"), so
 * `migrate diff --from-migrations` fails on the shadow database. Such a call, which can
 * only be parameterless, is run as a script instead. Single statements are unaffected.
 */
function runMultiStatementSqlAsScript(adapter: SqliteDriverAdapter): SqliteDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      const multiStatement = error instanceof RangeError && /more than one statement/.test(error.message);
      if (!multiStatement || query.args.length > 0) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

class PrismaBetterSQLite3Scripted extends PrismaBetterSQLite3 {
  override async connect() {
    return runMultiStatementSqlAsScript(await super.connect());
  }

  override async connectToShadowDb() {
    return runMultiStatementSqlAsScript(await super.connectToShadowDb());
  }
}

export function sqliteAdapterFactory(url: string): PrismaBetterSQLite3 {
  const file = sqliteFilePath(url);
  prepareSqliteFile(file);
  // better-sqlite3's `timeout` is SQLite's busy_timeout for every connection the adapter opens.
  // fileMustExist: the file was just prepared; if it disappears later (a dropped test
  // database), a reconnect must fail instead of silently creating an empty, unmigrated file.
  // Timestamps stay in the adapter's default ISO-8601 text form ("2025-01-02T03:04:05.678+00:00"),
  // which sorts correctly as text in raw SQL.
  return new PrismaBetterSQLite3Scripted({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS, fileMustExist: true });
}

// ---------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------

const PG_TEXT_OID = 25;
/** `name` and `"char"`: catalog column types adapter-pg 6.x cannot deserialise. */
const PG_NAME_OID = 19;
const PG_CHAR_OID = 18;

/**
 * adapter-pg 6.x throws "Column type 'name' could not be deserialized" on any result with
 * a `name` or `"char"` column, and the schema engine's introspection (run by `migrate
 * deploy`, `migrate diff`, `migrate status`) reads exactly such pg_catalog columns. Both
 * arrive as text on the wire, so reporting them as `text` in the row description is
 * lossless. The hook is pg's (undocumented) per-message handler; pg is pinned, and the
 * guard below fails loudly at start-up should a pg upgrade rename it.
 */
class PgClientNameAsText extends pg.Client {
  _handleRowDescription(msg: { fields: { dataTypeID: number }[] }): void {
    for (const field of msg.fields) {
      if (field.dataTypeID === PG_NAME_OID || field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    pgHandleRowDescription.call(this, msg);
  }
}
const pgHandleRowDescription = stockRowDescriptionHandler();

function stockRowDescriptionHandler(): (this: pg.Client, msg: unknown) => void {
  // @types/pg does not declare pg's internal handlers, hence the cast; the check makes it safe.
  const handler = (pg.Client.prototype as unknown as { _handleRowDescription?: unknown })._handleRowDescription;
  if (typeof handler !== "function") {
    throw new Error("pg.Client no longer has _handleRowDescription: update PgClientNameAsText in lib/db/adapters.ts");
  }
  return handler as (this: pg.Client, msg: unknown) => void;
}

export interface PgAdapterOptions {
  /** Pool size per process. */
  max?: number;
  /**
   * Let the process exit while pooled connections sit idle. The CLI never closes the pool,
   * so without this every `prisma migrate ...` on PostgreSQL waits out pg's 10 s idle timeout.
   */
  allowExitOnIdle?: boolean;
}

/**
 * Pool configuration for node-postgres. The connection is passed as separate fields, never
 * as `connectionString`: adapter-pg builds its shadow database pool as `{ ...config,
 * database: <shadow> }`, and a connection string would silently win over that `database`.
 */
export function pgPoolConfig(fields: PgConnectionFields, options: PgAdapterOptions = {}): pg.PoolConfig {
  return {
    ...pgLogin(fields),
    // A non-default schema must also be the search path, or unqualified SQL (migrations) lands in public.
    options: fields.schema ? `-c search_path="${fields.schema}"` : undefined,
    max: options.max ?? 10,
    allowExitOnIdle: options.allowExitOnIdle ?? false,
    Client: PgClientNameAsText,
  };
}

type PgDriverAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * adapter-pg's executeScript (what `migrate deploy` runs each migration.sql through) splits
 * the script on every ";" - also inside string literals and function bodies - and runs the
 * pieces one by one, so a migration failing half-way leaves half its changes behind. Sent
 * as one simple-protocol query instead, PostgreSQL parses it properly and runs it as one
 * implicit transaction: a migration applies completely or not at all.
 */
function runScriptAsOneQuery(adapter: PgDriverAdapter): PgDriverAdapter {
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      // onError is adapter-pg's own mapping to a DriverAdapterError; it is protected, and this
      // adapter object comes from connect() (no subclass of ours to expose it), hence the cast.
      (adapter as unknown as { onError(e: unknown): never }).onError(error);
    }
  };
  return adapter;
}

/**
 * PrismaPg fixed for migrations: scripts run as one query (above), and a working shadow
 * database. The stock connectToShadowDb() drops the shadow database before closing the pool
 * connected to it, which fails ("database is being accessed by other users") and leaks the
 * database; here the pool is closed first.
 */
class PrismaPgMigrationSafe extends PrismaPg {
  readonly #fields: PgConnectionFields;

  constructor(fields: PgConnectionFields, options: PgAdapterOptions) {
    super(pgPoolConfig(fields, options), fields.schema ? { schema: fields.schema } : undefined);
    this.#fields = fields;
  }

  override async connect() {
    return runScriptAsOneQuery(await super.connect());
  }

  override async connectToShadowDb() {
    const main = await new PrismaPg(pgPoolConfig(this.#fields, { max: 1, allowExitOnIdle: true })).connect();
    const database = `prisma_shadow_${randomUUID().replaceAll("-", "")}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadowConfig = pgPoolConfig({ ...this.#fields, database, schema: undefined }, { max: 2, allowExitOnIdle: true });
    const shadow = runScriptAsOneQuery(await new PrismaPg(shadowConfig).connect());
    const closeShadowPool = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await closeShadowPool();
      try {
        await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      } finally {
        await main.dispose();
      }
    };
    return shadow;
  }
}

export function pgAdapterFactory(url: string, options: PgAdapterOptions = {}): PrismaPg {
  return new PrismaPgMigrationSafe(pgConnectionFields(url), options);
}
