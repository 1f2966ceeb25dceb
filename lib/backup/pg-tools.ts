import { spawnSync } from "node:child_process";
import { pgConnectionFields } from "../db/engine";

/** Whether a PostgreSQL client tool (pg_dump, pg_restore) is on PATH. */
export function hasTool(name: "pg_dump" | "pg_restore"): boolean {
  return spawnSync(name, ["--version"], { stdio: "ignore" }).status === 0;
}

/** Arguments naming the server and database of `url` (the password goes in PGPASSWORD, never argv). */
function connectionArgs(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const f = pgConnectionFields(url);
  return {
    args: ["-h", f.host, "-p", String(f.port), "-U", f.user, "-d", f.database, ...(f.schema ? ["-n", f.schema] : [])],
    env: { ...process.env, ...(f.password ? { PGPASSWORD: f.password } : {}), ...(f.ssl ? { PGSSLMODE: "require" } : {}) },
  };
}

/** The exact command, for operators without the tool here (the password left as $PGPASSWORD). */
export function pgCommand(tool: "pg_dump" | "pg_restore", url: string, file: string): string {
  const { args } = connectionArgs(url);
  const quoted = args.map((a) => (/^[\w./:@-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`));
  return tool === "pg_dump"
    ? `PGPASSWORD=... pg_dump --format=custom --no-owner ${quoted.join(" ")} --file ${file}`
    : `PGPASSWORD=... pg_restore --clean --if-exists --no-owner ${quoted.join(" ")} ${file}`;
}

export function runPgTool(tool: "pg_dump" | "pg_restore", url: string, file: string): void {
  const { args, env } = connectionArgs(url);
  const full =
    tool === "pg_dump"
      ? ["--format=custom", "--no-owner", ...args, "--file", file]
      : ["--clean", "--if-exists", "--no-owner", ...args, file];
  const r = spawnSync(tool, full, { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${tool} failed (exit ${r.status}): ${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
}
