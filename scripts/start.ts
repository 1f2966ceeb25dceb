/**
 * `npm start`: the one command that hosts the challenge on a single machine.
 * Applies migrations, prepares the built-in synthetic dataset when none is prepared,
 * builds the web app when needed, then serves it on PORT (default 3000) with one embedded
 * scoring worker in this process (EMBEDDED_SCORER=0 turns it off; `npm run scorer` adds more).
 */
import path from "node:path";
import fs from "node:fs";
import { spawn } from "node:child_process";
import { env } from "../lib/env";
import { migrateDatabase } from "../lib/db/migrate-database";
import { ensureDefaultDataset } from "../lib/setup/ensure-default-dataset";
import { ensureNextBuild } from "../lib/setup/ensure-next-build";
import { closeDb } from "../lib/db/client";
import { startEmbeddedWorker } from "../scorer/start-embedded-worker";
import { ensureQuickBaselines } from "../lib/baselines/ensure-quick-baselines";
import { getDb } from "../lib/db/client";
import { ensureDefaultPhase } from "../lib/phases/ensure-default-phase";
import { findUnverifiedOrganizerEmails } from "../lib/auth/find-unverified-organizer-emails";
import { componentLogger } from "../lib/observability/logger";
import { answerMetricsRequests } from "../lib/observability/serve-metrics";

const logger = componentLogger("start");
const log = (msg: string) => logger.info(msg);

async function main() {
  const root = path.resolve(__dirname, "..");
  const config = env();
  fs.mkdirSync(config.dataDir, { recursive: true });
  log(`instance directory ${config.dataDir}`);

  await migrateDatabase({ databaseUrl: config.databaseUrl });
  log("database migrations applied");

  await ensureDefaultDataset({ log });
  // A fresh instance opens a 90-day development phase per track, so the timeline and the quota have one.
  const defaults = await ensureDefaultPhase({ db: getDb() });
  for (const p of [defaults.phase, defaults.generationPhase]) if (p) log(`opened the default phase "${p.name}" (90 days)`);
  ensureNextBuild({ root, log });

  for (const line of await findUnverifiedOrganizerEmails({ db: getDb() })) logger.warn(line);

  // Our own HTTP server around Next.js (not `next start`): it hands the socket address to the
  // app, the only client address that cannot be forged (lib/http/client-address.ts).
  const server = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "serve-web.ts")], {
    cwd: root,
    // An IPC channel besides the inherited output: the web server's /metrics asks this process
    // for the embedded worker's metrics through it.
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      DATA_DIR: config.dataDir,
      PORT: String(config.PORT),
      HOST: config.HOST,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  answerMetricsRequests(server);
  log(`serving on http://localhost:${config.PORT}`);
  const worker = startEmbeddedWorker({ log });
  // In the background: the site is already up; the embedded worker scores them as they come.
  const quickBaselines =
    config.QUICK_BASELINES_ON_START === "1"
      ? ensureQuickBaselines({ db: getDb(), dataDir: config.dataDir, log }).catch((err: unknown) =>
          log(`quick baselines not submitted: ${err instanceof Error ? err.message : String(err)}`),
        )
      : Promise.resolve();
  // The CNN trains for minutes in a child process at the lowest priority, after the quick
  // baselines (they share the cores); the child is killed when this process exits.
  let cnnDone: Promise<unknown> = quickBaselines;
  if (config.CNN_BASELINE_ON_START === "1") {
    cnnDone = quickBaselines
      .then(async () => {
        const { ensureCnnBaseline } = await import("../lib/baselines/ensure-cnn-baseline");
        const { spawnCnnTraining } = await import("../baselines/spawn-cnn-training");
        const cnn = await ensureCnnBaseline({ db: getDb(), dataDir: config.dataDir, root, log, spawnTraining: spawnCnnTraining });
        process.once("exit", () => cnn.stop());
        await cnn.done;
      })
      .catch((err: unknown) => log(`cnn baseline not trained: ${err instanceof Error ? err.message : String(err)}`));
  }
  // The generation track's baselines: PCA and resampling now when a feature network exists; the
  // feature network (when missing) and the VAE in one background child once the cnn's is done.
  const slow = config.CNN_BASELINE_ON_START === "1";
  const generationBaselines = async (background: "start" | "later" | "off") => {
    const { ensureGenerationBaselines } = await import("../lib/baselines/ensure-generation-baselines");
    const { spawnGenerationTraining } = await import("../baselines/spawn-cnn-training");
    const run = await ensureGenerationBaselines({
      db: getDb(),
      dataDir: config.dataDir,
      root,
      log,
      background,
      spawnTraining: spawnGenerationTraining,
    });
    process.once("exit", () => run.stop());
  };
  void quickBaselines
    .then(() => (config.QUICK_BASELINES_ON_START === "1" ? generationBaselines(slow ? "later" : "off") : undefined))
    .then(() => cnnDone)
    .then(() => (slow ? generationBaselines("start") : undefined))
    .catch((err: unknown) => log(`generation baselines not trained: ${err instanceof Error ? err.message : String(err)}`));

  // Shutdown order: stop claiming and let the job in hand finish (or release it), then
  // stop the web server, so no submission is left "running" by a restart.
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the scorer, then the web server`);
    await worker?.stop();
    await closeDb();
    server.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(signal));
  const onServerExit = async (code: number | null, signal: NodeJS.Signals | null) => {
    if (!stopping) await worker?.stop();
    process.exit(code ?? (signal && !stopping ? 1 : 0));
  };
  server.on("exit", (code, signal) => void onServerExit(code, signal));
}

main().catch((err) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
