/**
 * A fresh, migrated database per test file, on either engine, so test files run in
 * parallel and in any order without seeing each other's rows.
 *
 * Speed: running the migrations (the Prisma CLI, ~1.5 s) once per test file would
 * dominate the suite, so each engine keeps a migrated *template* keyed by a hash of the
 * committed migrations, built once (by the real `migrate deploy`, see migrateDatabase) and
 * then cloned: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL. A
 * changed migration changes the hash, so a stale template is never used.
 *
 * Safety: only local databases are ever created or dropped here.
 *
 * No vitest here, so benchmarks can use it too; test files usually want describeEachEngine
 * (test-support/test-db.ts), which runs a suite on SQLite and, when reachable, PostgreSQL, each
 * with its own database.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { createDb, type Db } from "../lib/db/client";
import { isLocalDatabase, pgConnectionFields, pgUrl, redactUrl, type Engine } from "../lib/db/engine";
import { committedMigrations, migrateDatabase } from "../lib/db/migrate-database";
import { localPostgresAdminUrl, postgresAvailable } from "./postgres";

export { postgresAvailable };

export interface TestDatabase {
  engine: Engine;
  url: string;
  db: Db;
  /** Disconnects and deletes the database. Safe to call twice. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  engine: Engine;
  /** Skip the migrations: an empty database (for testing the migrations themselves). */
  empty?: boolean;
}

export async function createTestDatabase({ engine, empty = false }: CreateTestDatabaseOptions): Promise<TestDatabase> {
  return engine === "sqlite" ? createSqliteTestDatabase(empty) : createPostgresTestDatabase(empty);
}

/** Throws unless the url points at this machine. Tests must never touch a shared database. */
export function assertLocalDatabase(url: string): void {
  if (!isLocalDatabase(url)) {
    throw new Error(`Refusing to use ${redactUrl(url)} in tests: only local databases are created and dropped`);
  }
}

/** Hash of an engine's committed migrations (names and checksums): the template's identity. */
export function migrationsHash(engine: Engine): string {
  const entries = [...committedMigrations(engine)].map(([name, checksum]) => `${name}:${checksum}`);
  return createHash("sha256").update(entries.join("\n")).digest("hex").slice(0, 16);
}

// Every database or file made here is named tp_<kind>_..., with its creation time in it.
const TEST_PREFIX = "tp_test_";
const BUILD_PREFIX = "tp_build_";
const TEMPLATE_PREFIX = "tp_tpl_";

/** Leftovers of crashed runs older than this are deleted (test databases and partial builds). */
const STALE_TEST_DB_MS = 6 * 60 * 60 * 1000;
/** Templates of other migration states older than this are deleted (another checkout may still use a newer one). */
const STALE_TEMPLATE_MS = 24 * 60 * 60 * 1000;

/** Names carry their creation time in base 36 so leftovers can be recognised as stale. */
function stamp(): string {
  return `${Date.now().toString(36)}_${randomBytes(6).toString("hex")}`;
}

/** Age in ms of a name made with stamp() after `prefix`, or null if it does not parse. */
function ageOf(name: string, prefix: string): number | null {
  const created = parseInt(name.slice(prefix.length).split("_")[0] ?? "", 36);
  return Number.isFinite(created) ? Date.now() - created : null;
}

function isStale(name: string, currentTemplatePrefix: string): boolean {
  for (const [prefix, maxAge] of [
    [TEST_PREFIX, STALE_TEST_DB_MS],
    [BUILD_PREFIX, STALE_TEST_DB_MS],
  ] as const) {
    if (name.startsWith(prefix)) return (ageOf(name, prefix) ?? 0) > maxAge;
  }
  if (name.startsWith(TEMPLATE_PREFIX) && !name.startsWith(currentTemplatePrefix)) {
    // tp_tpl_<hash>_<time>_<random>
    return (ageOf(name, name.slice(0, TEMPLATE_PREFIX.length + 17)) ?? 0) > STALE_TEMPLATE_MS;
  }
  return false;
}

function templatePrefix(engine: Engine): string {
  return `${TEMPLATE_PREFIX}${migrationsHash(engine)}_`;
}

// ---------------------------------------------------------------------------------------
// SQLite: a template file in the temp folder, copied per test database.
// ---------------------------------------------------------------------------------------

const SQLITE_DIR = path.join(os.tmpdir(), "tiny-portraits-test-db");

function removeSqliteFiles(file: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
}

let sqliteTemplate: Promise<string> | undefined;

function sqliteTemplateFile(): Promise<string> {
  sqliteTemplate ??= findOrBuildSqliteTemplate();
  return sqliteTemplate;
}

async function findOrBuildSqliteTemplate(): Promise<string> {
  fs.mkdirSync(SQLITE_DIR, { recursive: true });
  const prefix = templatePrefix("sqlite");
  const files = fs.readdirSync(SQLITE_DIR);
  for (const name of files) {
    if (isStale(name.replace(/\.sqlite.*$/, ""), prefix)) fs.rmSync(path.join(SQLITE_DIR, name), { force: true });
  }
  const existing = files.find((name) => name.startsWith(prefix) && name.endsWith(".sqlite"));
  if (existing && fs.existsSync(path.join(SQLITE_DIR, existing))) return path.join(SQLITE_DIR, existing);

  // Build under a private name and rename into place: rename is atomic, so a parallel
  // test process sees either no template or a complete one (two builders both succeed).
  const building = path.join(SQLITE_DIR, `${BUILD_PREFIX}${stamp()}.sqlite`);
  const template = path.join(SQLITE_DIR, `${prefix}${stamp()}.sqlite`);
  try {
    await migrateDatabase({ databaseUrl: `file:${building}` });
    // Fold the WAL into the main file so that copying the one file copies everything.
    const db = new Database(building);
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    fs.renameSync(building, template);
  } finally {
    removeSqliteFiles(building);
  }
  return template;
}

async function createSqliteTestDatabase(empty: boolean): Promise<TestDatabase> {
  fs.mkdirSync(SQLITE_DIR, { recursive: true });
  const file = path.join(SQLITE_DIR, `${TEST_PREFIX}${stamp()}.sqlite`);
  try {
    if (!empty) fs.copyFileSync(await sqliteTemplateFile(), file);
  } catch (error) {
    // Another process removed the template as stale between lookup and copy: rebuild once.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    sqliteTemplate = undefined;
    fs.copyFileSync(await sqliteTemplateFile(), file);
  }
  const url = `file:${file}`;
  return testDatabase("sqlite", url, createDb(url), () => removeSqliteFiles(file));
}

/** The handle a test gets: `drop` disconnects, then removes the database (once, however often it is called). */
function testDatabase(engine: Engine, url: string, db: Db, remove: () => void | Promise<void>): TestDatabase {
  let dropped = false;
  return {
    engine,
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.$disconnect();
      await remove();
    },
  };
}

// ---------------------------------------------------------------------------------------
// PostgreSQL: a template database on the local server, cloned per test database.
// ---------------------------------------------------------------------------------------

const TEMPLATE_LOCK = "hashtext('tiny-portraits-test-template')";

async function adminClient(): Promise<{ client: pg.Client; adminUrl: string }> {
  const adminUrl = await localPostgresAdminUrl();
  if (!adminUrl) throw new Error("PostgreSQL is not reachable on 127.0.0.1:5432 (or TEST_POSTGRES_URL): cannot create a test database");
  assertLocalDatabase(adminUrl);
  const f = pgConnectionFields(adminUrl);
  const client = new pg.Client({ host: f.host, port: f.port, user: f.user, password: f.password, database: f.database });
  client.on("error", () => {}); // a dropped idle connection must not crash the test process
  await client.connect();
  return { client, adminUrl };
}

function urlForDatabase(adminUrl: string, database: string): string {
  return pgUrl({ ...pgConnectionFields(adminUrl), database });
}

async function findDatabase(client: pg.Client, prefix: string): Promise<string | null> {
  const { rows } = await client.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname DESC LIMIT 1",
    [prefix],
  );
  return rows[0]?.datname ?? null;
}

let pgTemplate: Promise<string> | undefined;

function pgTemplateName(): Promise<string> {
  pgTemplate ??= findOrBuildPgTemplate();
  return pgTemplate;
}

async function findOrBuildPgTemplate(): Promise<string> {
  const prefix = templatePrefix("postgres");
  const { client, adminUrl } = await adminClient();
  try {
    await dropStalePgDatabases(client, prefix);
    const existing = await findDatabase(client, prefix);
    if (existing) return existing;
    // One builder at a time across all test processes on this server; the others wait
    // here, then find the finished template.
    await client.query(`SELECT pg_advisory_lock(${TEMPLATE_LOCK})`);
    try {
      const built = await findDatabase(client, prefix);
      if (built) return built;
      const building = `${BUILD_PREFIX}${stamp()}`;
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(building)}`);
      try {
        await migrateDatabase({ databaseUrl: urlForDatabase(adminUrl, building) });
        const template = `${prefix}${stamp()}`;
        await client.query(`ALTER DATABASE ${pg.escapeIdentifier(building)} RENAME TO ${pg.escapeIdentifier(template)}`);
        return template;
      } catch (error) {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(building)} WITH (FORCE)`).catch(() => {});
        throw error;
      }
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${TEMPLATE_LOCK})`).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Best effort: a database still in use is left alone (no FORCE). */
async function dropStalePgDatabases(client: pg.Client, currentTemplatePrefix: string): Promise<void> {
  const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, 'tp_')");
  for (const { datname } of rows) {
    if (isStale(datname, currentTemplatePrefix)) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)}`).catch(() => {});
    }
  }
}

async function cloneTemplate(client: pg.Client, name: string, empty: boolean): Promise<void> {
  if (empty) {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return;
  }
  // Concurrent clones of one template are fine: CREATE DATABASE does not connect to it.
  const create = async () =>
    client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(await pgTemplateName())}`);
  try {
    await create();
  } catch (error) {
    // 3D000: the template was dropped as stale by another checkout meanwhile: rebuild once.
    if ((error as { code?: string }).code !== "3D000") throw error;
    pgTemplate = undefined;
    await create();
  }
}

async function createPostgresTestDatabase(empty: boolean): Promise<TestDatabase> {
  const name = `${TEST_PREFIX}${stamp()}`;
  const { client, adminUrl } = await adminClient();
  try {
    await cloneTemplate(client, name, empty);
  } finally {
    await client.end().catch(() => {});
  }
  const url = urlForDatabase(adminUrl, name);
  assertLocalDatabase(url);
  return testDatabase("postgres", url, createDb(url, { poolSize: 4 }), async () => {
    const admin = await adminClient();
    try {
      // FORCE: a test that leaked a connection must not leave its database behind.
      await admin.client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await admin.client.end().catch(() => {});
    }
  });
}
