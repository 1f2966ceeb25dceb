/**
 * Applies the committed migrations (prisma/<engine>/migrations) that a database has not
 * seen yet. Idempotent and offline, on both engines.
 *
 * Pending migrations are applied by the Prisma CLI's own `migrate deploy` (through the
 * engine's prisma.config.ts and the same driver adapters the app uses), so
 * `_prisma_migrations` is written by Prisma itself and `prisma migrate status` agrees.
 * That costs about 1.5 s (a Node process and the WebAssembly schema engine), and on SQLite
 * it needs the database to itself: the schema engine sets `locking_mode=EXCLUSIVE`. So the
 * common case - nothing pending, every start of the web server and of each worker - is
 * answered by reading `_prisma_migrations` directly (a few ms, no lock), and the CLI only
 * runs when there is something to do or anything looks unusual (failed or edited
 * migrations), leaving the diagnosis to Prisma. See docs/decisions/0001-prisma-6-two-engines.md.
 *
 * Remote databases are allowed here (deployments migrate their shared PostgreSQL); only
 * the test helpers in lib/testing refuse non-local databases.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { env } from "../env";
import { engineOf, pgConnectionFields, pgLogin, redactUrl, sqliteFilePath, type Engine } from "./engine";
import { migrationsDir } from "./paths";
import { PrismaCliError, runPrismaCli } from "./prisma-cli";

export interface MigrateDatabaseOptions {
  /** Default: DATABASE_URL, or the SQLite file under DATA_DIR. */
  databaseUrl?: string;
  /** Always run `prisma migrate deploy`, even when the database looks up to date. */
  forceCli?: boolean;
}

export interface MigrateDatabaseResult {
  engine: Engine;
  /** Names of the migrations applied by this call, oldest first (empty: already up to date). */
  applied: string[];
  /** True when the Prisma CLI ran; false when the database was found up to date directly. */
  ranCli: boolean;
  durationMs: number;
}

export async function migrateDatabase({
  databaseUrl = env().databaseUrl,
  forceCli = false,
}: MigrateDatabaseOptions = {}): Promise<MigrateDatabaseResult> {
  const started = performance.now();
  const engine = engineOf(databaseUrl);
  const done = (applied: string[], ranCli: boolean): MigrateDatabaseResult => ({
    engine,
    applied,
    ranCli,
    durationMs: Math.round(performance.now() - started),
  });

  if (!forceCli && isUpToDate(committedMigrations(engine), await readAppliedMigrations(databaseUrl))) return done([], false);

  if (engine === "sqlite") {
    const file = sqliteFilePath(databaseUrl);
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } else {
    await createPostgresDatabaseIfMissing(databaseUrl);
  }
  try {
    const { stdout } = await runPrismaCli({ engine, databaseUrl, args: ["migrate", "deploy"] });
    return done(parseAppliedMigrations(stdout), true);
  } catch (error) {
    throw explainCliError(error, databaseUrl);
  }
}

/** name -> checksum (Prisma's: SHA-256 of migration.sql) of the committed migrations. */
export function committedMigrations(engine: Engine): Map<string, string> {
  const dir = migrationsDir(engine);
  const result = new Map<string, string>();
  if (!fs.existsSync(dir)) return result;
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (fs.existsSync(file)) result.set(name, createHash("sha256").update(fs.readFileSync(file)).digest("hex"));
  }
  return result;
}

interface AppliedMigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** The rows of `_prisma_migrations`; null when the database or the table does not exist yet. */
async function readAppliedMigrations(databaseUrl: string): Promise<AppliedMigrationRow[] | null> {
  const sql = `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`;
  if (engineOf(databaseUrl) === "sqlite") {
    const file = sqliteFilePath(databaseUrl);
    if (file === ":memory:" || !fs.existsSync(file)) return null;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as AppliedMigrationRow[];
    } catch {
      return null; // no such table: never migrated
    } finally {
      db.close();
    }
  }
  const f = pgConnectionFields(databaseUrl);
  const client = new pg.Client(pgLogin(f));
  client.on("error", () => {});
  try {
    await client.connect();
    if (f.schema) await client.query(`SET search_path TO ${pg.escapeIdentifier(f.schema)}`);
    return (await client.query<AppliedMigrationRow>(sql)).rows;
  } catch {
    return null; // no database or no table yet; the CLI path creates / reports
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Up to date when every committed migration finished, unchanged, and no migration is left
 * failed. Anything else (pending, failed, edited, unknown state) goes to the CLI.
 */
function isUpToDate(committed: Map<string, string>, applied: AppliedMigrationRow[] | null): boolean {
  if (applied === null) return false;
  if (applied.some((row) => row.finished_at == null && row.rolled_back_at == null)) return false;
  const finished = new Map(
    applied.filter((row) => row.finished_at != null && row.rolled_back_at == null).map((row) => [row.migration_name, row.checksum]),
  );
  return [...committed].every(([name, checksum]) => finished.get(name) === checksum);
}

/** Turns the schema engine's cryptic failures into something an operator can act on. */
function explainCliError(error: unknown, databaseUrl: string): unknown {
  if (!(error instanceof PrismaCliError)) return error;
  const output = error.result.stderr + error.result.stdout;
  // SQLITE_BUSY surfaces as "unknown variant `SocketTimeout`": another connection holds the file.
  if (engineOf(databaseUrl) === "sqlite" && /SocketTimeout|database is locked|SQLITE_BUSY/.test(output)) {
    return new Error(
      `Cannot migrate ${sqliteFilePath(databaseUrl)}: another process has the database open. ` +
        "Applying migrations needs exclusive access on SQLite: stop the web server and scorer workers using it, then run `npm run db:migrate`.",
      { cause: error },
    );
  }
  return error;
}

/**
 * `migrate deploy` lists what it applied as a tree:
 *   migrations/
 *     └─ 20250101000000_init/
 *       └─ migration.sql
 */
export function parseAppliedMigrations(stdout: string): string[] {
  return [...stdout.matchAll(/└─ (\d{14}_[A-Za-z0-9_]+)\/\s*$/gm)].map((m) => m[1]);
}

/**
 * A fresh PostgreSQL server has no application database yet; the classic Prisma engine
 * created it on deploy and the driver adapter does not, so do it here (one round trip
 * when the database exists).
 */
async function createPostgresDatabaseIfMissing(databaseUrl: string): Promise<void> {
  const f = pgConnectionFields(databaseUrl);
  const connection = { host: f.host, port: f.port, user: f.user, password: f.password, ssl: f.ssl };
  const probe = new pg.Client({ ...connection, database: f.database });
  try {
    await probe.connect();
    return;
  } catch (error) {
    // 3D000 invalid_catalog_name: the database does not exist. Anything else is a real problem.
    if ((error as { code?: string }).code !== "3D000") {
      throw new Error(`Cannot connect to ${redactUrl(databaseUrl)}: ${(error as Error).message}`);
    }
  } finally {
    await probe.end().catch(() => {});
  }
  const admin = new pg.Client({ ...connection, database: "postgres" });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(f.database)}`);
  } catch (error) {
    // 42P04 duplicate_database: another process created it meanwhile; fine.
    if ((error as { code?: string }).code !== "42P04") {
      throw new Error(`Database ${f.database} does not exist and could not be created: ${(error as Error).message}`);
    }
  } finally {
    await admin.end().catch(() => {});
  }
}
