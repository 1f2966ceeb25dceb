/**
 * `npm start`: the one command that hosts the challenge on a single machine.
 * Applies migrations, prepares the built-in synthetic dataset when none is prepared,
 * builds the web app when needed, then serves it on PORT (default 3000).
 */
import path from "node:path";
import fs from "node:fs";
import { spawn } from "node:child_process";
import { env } from "../lib/env";
import { migrateDatabase } from "../lib/db/migrate-database";
import { ensureDefaultDataset } from "../lib/setup/ensure-default-dataset";
import { ensureNextBuild } from "../lib/setup/ensure-next-build";

const log = (msg: string) => process.stderr.write(`[start] ${msg}\n`);

async function main() {
  const root = path.resolve(__dirname, "..");
  const config = env();
  fs.mkdirSync(config.dataDir, { recursive: true });
  log(`instance directory ${config.dataDir}`);

  await migrateDatabase({ databaseUrl: config.databaseUrl });
  log("database migrations applied");

  await ensureDefaultDataset({ log });
  ensureNextBuild({ root, log });

  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const server = spawn(process.execPath, [nextBin, "start", "-p", String(config.PORT), "-H", config.HOST], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DATA_DIR: config.dataDir, NEXT_TELEMETRY_DISABLED: "1" },
  });
  log(`serving on http://localhost:${config.PORT}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => server.kill(signal));
  }
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((err) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
