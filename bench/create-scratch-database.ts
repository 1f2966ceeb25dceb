import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { createDb, type Db } from "../lib/db/client";
import { isLocalDatabase, pgConnectionFields, pgUrl, redactUrl, type Engine } from "../lib/db/engine";
import { migrateDatabase } from "../lib/db/migrate-database";

export interface ScratchDatabase {
  engine: Engine;
  url: string;
  db: Db;
  /** Disconnects and deletes the database. */
  drop(): Promise<void>;
}

/**
 * A migrated, throw-away database for a benchmark: a SQLite file in `dir`, or a new database on
 * the PostgreSQL server of `postgresAdminUrl` (local servers only: a benchmark must never load a
 * shared one; the named database itself is never written). undefined when PostgreSQL is asked
 * for without a server.
 */
export async function createScratchDatabase(options: {
  engine: Engine;
  dir: string;
  postgresAdminUrl?: string;
  prefix: string;
}): Promise<ScratchDatabase | undefined> {
  const { engine } = options;
  const name = `${options.prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  if (engine === "sqlite") {
    const file = path.join(options.dir, `${name}.sqlite`);
    const url = `file:${file}`;
    await migrateDatabase({ databaseUrl: url });
    const db = createDb(url);
    return {
      engine,
      url,
      db,
      async drop() {
        await db.$disconnect();
        for (const s of ["", "-wal", "-shm"]) fs.rmSync(file + s, { force: true });
      },
    };
  }
  const serverUrl = options.postgresAdminUrl;
  if (!serverUrl) return undefined;
  if (!isLocalDatabase(serverUrl)) throw new Error(`Refusing to benchmark against ${redactUrl(serverUrl)}: only local PostgreSQL servers`);
  const f = pgConnectionFields(serverUrl);
  const admin = async (sql: string) => {
    const client = new pg.Client({ host: f.host, port: f.port, user: f.user, password: f.password, database: f.database });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = pgUrl({ ...f, database: name });
  await migrateDatabase({ databaseUrl: url });
  const db = createDb(url);
  return {
    engine,
    url,
    db,
    async drop() {
      await db.$disconnect();
      await admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}
