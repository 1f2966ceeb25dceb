import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { runnableJobTypes } from "@/lib/queue/job-types";
import { expressLaneTypes, startWorker, type Worker } from "./worker";

/**
 * The worker `npm start` runs in its own process, so one command hosts the whole challenge on
 * one machine. More workers: `npm run scorer` on this or other machines; EMBEDDED_SCORER=0
 * turns this one off. Returns undefined when disabled.
 *
 * Call stop() on shutdown, before process.exit, so a job in hand finishes or is released.
 */
export function startEmbeddedWorker(options: { log?: (message: string) => void } = {}): Worker | undefined {
  const config = env();
  if (config.EMBEDDED_SCORER === "0") return undefined;
  const worker = startWorker({
    db: getDb(),
    concurrency: config.SCORER_CONCURRENCY,
    leaseMs: config.SCORER_LEASE_MS,
    pollMs: config.SCORER_POLL_MS,
    expressTypes: config.SCORER_EXPRESS_LANE === "1" ? expressLaneTypes(runnableJobTypes()) : [],
  });
  options.log?.(`embedded scorer ${worker.workerId} started (concurrency ${config.SCORER_CONCURRENCY})`);
  return worker;
}
