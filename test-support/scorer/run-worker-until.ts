import type { Db } from "../../lib/db/client";
import type { JobTypeName } from "../../lib/queue/job-types";
import { createLocalDiskBlobStore, uploadsDir } from "../../lib/storage/local-disk-blob-store";
import { startWorker, type WorkerEvent } from "../../scorer/worker";

/**
 * Runs a scorer worker in this process on the scoring fixture's folder (disk blob store, quick
 * polls and retries) until `until` holds, checked after each event, then stops it and returns the
 * events. Rejects with the events seen so far when `timeoutMs` passes first.
 */
export async function runWorkerUntil(options: {
  db: Db;
  dataDir: string;
  until: (events: WorkerEvent[]) => boolean;
  types?: JobTypeName[];
  leaseMs?: number;
  timeoutMs?: number;
}): Promise<WorkerEvent[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const events: WorkerEvent[] = [];
  let resolveDone!: () => void;
  let rejectDone!: (error: Error) => void;
  const reached = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const worker = startWorker({
    db: options.db,
    dataDir: options.dataDir,
    store: createLocalDiskBlobStore({ root: uploadsDir(options.dataDir) }),
    pollMs: 20,
    leaseMs: options.leaseMs ?? 5_000,
    retryDelayMs: () => 10,
    types: options.types ?? ["score-submission"],
    onEvent: (e) => {
      events.push(e);
      if (options.until(events)) resolveDone();
    },
  });
  const timer = setTimeout(
    () => rejectDone(new Error(`the worker did not get there within ${timeoutMs} ms; events: ${events.map((e) => e.type).join(", ")}`)),
    timeoutMs,
  );
  try {
    await reached;
  } finally {
    clearTimeout(timer);
    await worker.stop();
  }
  return events;
}
