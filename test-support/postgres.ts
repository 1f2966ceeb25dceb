/**
 * Finding the local PostgreSQL server used by tests and by scripts/new-migration.ts.
 *
 * TEST_POSTGRES_URL names it explicitly (it must be local); otherwise 127.0.0.1:5432 is
 * tried with the users and maintenance databases these machines have (trust auth).
 */
import net from "node:net";
import pg from "pg";
import { isLocalDatabase, pgConnectionFields, redactUrl } from "../lib/db/engine";

const HOST = "127.0.0.1";
const PORT = 5432;
const CANDIDATE_USERS = ["postgres", "root"];
const CANDIDATE_DATABASES = ["postgres", "test"];
const CONNECT_TIMEOUT_MS = 700;

/** Is something listening on host:port? Resolves within timeoutMs. */
export function portOpen(host: string, port: number, timeoutMs = 400): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Can this url log in and create databases? */
async function canCreateDatabases(url: string): Promise<boolean> {
  const f = pgConnectionFields(url);
  const client = new pg.Client({
    host: f.host,
    port: f.port,
    user: f.user,
    password: f.password,
    database: f.database,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  client.on("error", () => {}); // a dropped idle connection must not crash the test process
  try {
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>(
      "SELECT (rolcreatedb OR rolsuper) AS ok FROM pg_roles WHERE rolname = current_user",
    );
    return rows[0]?.ok === true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

let adminUrl: Promise<string | null> | undefined;

/**
 * A url to a maintenance database on the local server, as a role allowed to create
 * databases; null when there is none. Cached per process.
 */
export function localPostgresAdminUrl(): Promise<string | null> {
  adminUrl ??= findAdminUrl();
  return adminUrl;
}

async function findAdminUrl(): Promise<string | null> {
  const explicit = process.env.TEST_POSTGRES_URL;
  if (explicit) {
    if (!isLocalDatabase(explicit)) {
      throw new Error(`TEST_POSTGRES_URL ${redactUrl(explicit)} is not local: tests only ever create and drop databases on this machine`);
    }
    return (await canCreateDatabases(explicit)) ? explicit : null;
  }
  if (!(await portOpen(HOST, PORT))) return null;
  for (const user of CANDIDATE_USERS) {
    for (const database of CANDIDATE_DATABASES) {
      const url = `postgresql://${user}@${HOST}:${PORT}/${database}`;
      if (await canCreateDatabases(url)) return url;
    }
  }
  return null;
}

/** Quick (< 1 s) check that the local PostgreSQL server is up and usable for tests. */
export async function postgresAvailable(): Promise<boolean> {
  return (await localPostgresAdminUrl()) !== null;
}
