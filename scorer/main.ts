/**
 * `npm run scorer [-- --concurrency N]`: a scorer worker process. Run it on this machine
 * beside `npm start`, or on other machines with the same DATABASE_URL (PostgreSQL), DATA_DIR
 * contents (the prepared dataset) and BLOB_STORE (a shared disk, or `database`).
 *
 * SIGTERM / SIGINT: stop claiming, let the jobs in hand finish (up to --grace-ms) or release
 * them back to the queue, then exit 0. A second signal exits at once; the leases of the jobs
 * still in hand then expire and other workers reclaim them.
 *
 * Log lines go to stderr as JSON (lib/observability/logger.ts). With --events, one JSON line per
 * job event goes to stdout (tests and benchmarks count those). With SCORER_METRICS_PORT, this
 * process's job and sandbox metrics are served at http://127.0.0.1:PORT/metrics.
 */
import { Command } from "commander";
import { closeDb, getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { createWorkerId } from "./create-worker-id";
import { runnableJobTypes } from "@/lib/queue/job-types";
import { expressLaneTypes, startWorker } from "./worker";
import { parsePositiveInt } from "@/lib/terminal/parse-positive-int";
import { componentLogger } from "@/lib/observability/logger";
import { startMetricsServer } from "@/lib/observability/serve-metrics";

const program = new Command()
  .name("npm run scorer --")
  .description("Tiny Portraits scorer worker: claims scoring jobs from the database queue and runs them")
  .option("--concurrency <n>", "jobs run at once by this process (default SCORER_CONCURRENCY, 1)", parsePositiveInt)
  .option("--lease-ms <ms>", "lease of a claimed job; renewed every third of it (default SCORER_LEASE_MS)", parsePositiveInt)
  .option("--poll-ms <ms>", "how often an idle worker looks for work (default SCORER_POLL_MS)", parsePositiveInt)
  .option("--grace-ms <ms>", "on SIGTERM, how long jobs in hand may finish before being released", parsePositiveInt, 20_000)
  .option("--retry-base-ms <ms>", "back-off before the second attempt after a system failure (doubles each time)", parsePositiveInt, 5000)
  .option("--events", "print one JSON line per job event on stdout")
  .showHelpAfterError();

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{
    concurrency?: number;
    leaseMs?: number;
    pollMs?: number;
    graceMs: number;
    retryBaseMs: number;
    events?: boolean;
  }>();
  const config = env();
  const workerId = createWorkerId();
  const logger = componentLogger("scorer", { workerId });
  const say = (msg: string) => logger.info(msg);

  const controller = new AbortController();
  let signals = 0;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      signals++;
      if (signals > 1) {
        say(`${signal} again: exiting now; jobs in hand will be reclaimed when their leases expire`);
        process.exit(130);
      }
      say(`${signal}: finishing or releasing the jobs in hand, then exiting`);
      controller.abort();
    });
  }

  const worker = startWorker({
    db: getDb(),
    workerId,
    concurrency: opts.concurrency ?? config.SCORER_CONCURRENCY,
    leaseMs: opts.leaseMs ?? config.SCORER_LEASE_MS,
    pollMs: opts.pollMs ?? config.SCORER_POLL_MS,
    expressTypes: config.SCORER_EXPRESS_LANE === "1" ? expressLaneTypes(runnableJobTypes()) : [],
    shutdownGraceMs: opts.graceMs,
    retryDelayMs: (attempts) => Math.min(5 * 60_000, opts.retryBaseMs * 2 ** Math.max(0, attempts - 1)),
    signal: controller.signal,
    logger,
    onEvent: opts.events ? (event) => process.stdout.write(JSON.stringify({ workerId, ...event }) + "\n") : undefined,
  });
  const metricsServer = config.SCORER_METRICS_PORT
    ? await startMetricsServer({ port: config.SCORER_METRICS_PORT, token: config.METRICS_TOKEN })
    : undefined;
  if (metricsServer) say(`metrics on port ${metricsServer.port}/metrics`);
  say(`started: concurrency ${opts.concurrency ?? config.SCORER_CONCURRENCY}, data ${config.dataDir}`);
  if (opts.events) process.stdout.write(JSON.stringify({ workerId, type: "started" }) + "\n");
  await worker.done;
  await metricsServer?.close();
  await closeDb();
  say("stopped");
  // Exit explicitly: a job released after the grace period may still hold timers or pipes.
  process.exit(0);
}

main().catch((error) => {
  componentLogger("scorer").error({ err: error }, "could not start");
  process.exit(1);
});
