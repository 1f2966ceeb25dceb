/**
 * Which database engine a DATABASE_URL points at, and how to reach it.
 *
 * Kept free of imports (no "@/" alias, no Prisma) because the Prisma CLI loads the
 * prisma.config.ts files with its own TypeScript loader, and they import this module.
 */

export type Engine = "sqlite" | "postgres";

export const ENGINES: readonly Engine[] = ["sqlite", "postgres"];

export function engineOf(url: string): Engine {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`Unsupported DATABASE_URL ${redactUrl(url)}: use file:<path> (SQLite) or postgresql://... (PostgreSQL)`);
}

/**
 * The file path of a SQLite url. `file:/abs/db.sqlite` and `file:rel/db.sqlite` (relative
 * to the working directory, unlike Prisma's classic engine which resolved it against the
 * schema file). A query string (`?connection_limit=1`, from Prisma habits) is ignored.
 */
export function sqliteFilePath(url: string): string {
  if (engineOf(url) !== "sqlite") throw new Error(`Not a SQLite url: ${redactUrl(url)}`);
  let rest = url.slice("file:".length);
  const q = rest.indexOf("?");
  if (q >= 0) rest = rest.slice(0, q);
  // file:///abs/path is the RFC form; file:/abs/path and file:./rel are Prisma's.
  if (rest.startsWith("//")) rest = rest.slice(2);
  if (rest === "") throw new Error("SQLite url has no file path");
  return decodeURIComponent(rest);
}

/** Connection fields for node-postgres. Separate fields, never `connectionString`: see adapters.ts. */
export interface PgConnectionFields {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  ssl?: boolean | { rejectUnauthorized: boolean };
  /** PostgreSQL schema (Prisma's `?schema=` convention); undefined means the default `public`. */
  schema?: string;
}

export function pgConnectionFields(url: string): PgConnectionFields {
  if (engineOf(url) !== "postgres") throw new Error(`Not a PostgreSQL url: ${redactUrl(url)}`);
  const u = new URL(url);
  const params = u.searchParams;
  // ?host=/var/run/postgresql is libpq's way to name a Unix socket directory.
  const host = params.get("host") ?? (u.hostname ? decodeURIComponent(u.hostname) : "localhost");
  const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || "postgres";
  const sslmode = params.get("sslmode");
  let ssl: PgConnectionFields["ssl"];
  if (sslmode === "require" || sslmode === "prefer") ssl = { rejectUnauthorized: false };
  else if (sslmode === "verify-ca" || sslmode === "verify-full") ssl = true;
  return {
    host,
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || process.env.PGUSER || "postgres",
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database,
    ssl,
    schema: params.get("schema") ?? undefined,
  };
}

/**
 * What a node-postgres client or pool logs in with: every field but `schema`, which pg does not
 * know (a caller that needs it sets the search path itself).
 */
export function pgLogin(f: PgConnectionFields): Omit<PgConnectionFields, "schema"> {
  return { host: f.host, port: f.port, user: f.user, password: f.password, database: f.database, ssl: f.ssl };
}

/** Rebuild a PostgreSQL url from fields (used to point at another database on the same server). */
export function pgUrl(fields: Omit<PgConnectionFields, "ssl">): string {
  const auth = encodeURIComponent(fields.user) + (fields.password ? `:${encodeURIComponent(fields.password)}` : "");
  const query = fields.schema ? `?schema=${encodeURIComponent(fields.schema)}` : "";
  const host = fields.host.startsWith("/") ? "localhost" : fields.host;
  const socket = fields.host.startsWith("/") ? `${query ? "&" : "?"}host=${encodeURIComponent(fields.host)}` : "";
  return `postgresql://${auth}@${host}:${fields.port}/${encodeURIComponent(fields.database)}${query}${socket}`;
}

/** The url with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}

/** True when the database lives on this machine (SQLite always does). */
export function isLocalDatabase(url: string): boolean {
  if (engineOf(url) === "sqlite") return true;
  const { host } = pgConnectionFields(url);
  return host.startsWith("/") || ["localhost", "127.0.0.1", "::1", "[::1]"].includes(host);
}
