import type { Db } from "../db/client";
import { resolveScoringBuild } from "../scoring/resolve-scoring-build";
import { cnnBaseline } from "./cnn";
import {
  acquireCnnTrainingLock,
  cnnTrainingLockPath,
  isTrainingProcessAlive,
  readCnnTrainingLock,
  releaseCnnTrainingLock,
  updateCnnTrainingLock,
} from "./cnn-training-lock";
import type { SpawnCnnTraining } from "./training-process";

export type EnsureCnnBaselineStatus = "no-dataset" | "present" | "already-training" | "started";

export interface EnsureCnnBaselineResult {
  status: EnsureCnnBaselineStatus;
  /** The trainer's pid (started, or already training). */
  pid?: number;
  /** Resolves when the background work this call started is over (at once when there is none). */
  done: Promise<void>;
  /** Kills the trainer this call started and stops watching another one (shutdown). */
  stop(): void;
}

export interface EnsureCnnBaselineOptions {
  db: Db;
  dataDir: string;
  /** The project folder, for the trainer's command. */
  root: string;
  log: (msg: string) => void;
  epochs?: number;
  /** Starts the trainer: `npm start` passes baselines/spawn-cnn-training.ts (the CLI at low priority), tests a fake. */
  spawnTraining: SpawnCnnTraining;
  isProcessAlive?: (pid: number) => boolean;
  /** How often a trainer started by another process is checked on (default 5 s). */
  watchMs?: number;
}

/**
 * `npm start`'s background CNN: when the current dataset has no queued, running or scored cnn
 * baseline entry, trains one in a child process at low priority and submits it (the embedded
 * scorer scores it), without blocking anything. A lock under DATA_DIR (cnn-training-lock.ts)
 * holds the trainer's pid:
 *   - a live trainer (another start, or this instance's previous start whose child is still
 *     finishing) is left alone and watched; if it dies without an entry, this process trains;
 *   - a stale lock (dead pid, half-written file) is removed and training starts again.
 * Only the epoch lines of the trainer reach `log` (about one a minute), and a failure's last lines.
 */
export async function ensureCnnBaseline(options: EnsureCnnBaselineOptions): Promise<EnsureCnnBaselineResult> {
  const { db, dataDir, log } = options;
  const isAlive = options.isProcessAlive ?? isTrainingProcessAlive;
  const { spawnTraining } = options;
  const lockFile = cnnTrainingLockPath(dataDir);
  const idle = (status: EnsureCnnBaselineStatus): EnsureCnnBaselineResult => ({ status, done: Promise.resolve(), stop() {} });

  const dataset = await db.dataset.findFirst({ where: { isCurrent: true } });
  if (!dataset || !(await resolveScoringBuild({ dataDir, buildId: dataset.buildId }))) return idle("no-dataset");
  const existing = await db.submission.findFirst({
    where: { baseline: { name: cnnBaseline.name }, datasetId: dataset.id, status: { in: ["queued", "running", "scored"] } },
    select: { id: true },
  });
  if (existing) return idle("present");

  const held = readCnnTrainingLock(lockFile);
  if (held && isAlive(held.pid)) {
    log(`cnn baseline: already training (pid ${held.pid}, since ${held.startedAt})`);
    return watchOtherTrainer({ ...options, pid: held.pid, isAlive });
  }
  if (held) {
    log(`cnn baseline: removing a stale training lock (pid ${held.pid} is gone)`);
    releaseCnnTrainingLock(lockFile, held.pid);
  }
  const lock = { pid: process.pid, datasetId: dataset.id, startedAt: new Date().toISOString() };
  if (!acquireCnnTrainingLock(lockFile, lock)) {
    // Another process took it between our read and our create.
    const other = readCnnTrainingLock(lockFile);
    log(`cnn baseline: another process started training (pid ${other?.pid ?? "?"})`);
    return idle("already-training");
  }

  const tail: string[] = [];
  let child;
  try {
    child = await spawnTraining({
      root: options.root,
      dataDir,
      epochs: options.epochs,
      onLine: (line) => {
        tail.push(line);
        if (tail.length > 8) tail.shift();
        if (/ epoch \d+\/\d+ loss /.test(line) || /^\S+: submitted as/.test(line)) log(`cnn baseline: ${line.replace(/\s+/g, " ").trim()}`);
      },
    });
  } catch (err) {
    releaseCnnTrainingLock(lockFile, process.pid);
    throw err;
  }
  updateCnnTrainingLock(lockFile, { ...lock, pid: child.pid });
  log(`cnn baseline: training in the background (pid ${child.pid}, lowest CPU priority); the site stays up`);
  let stopped = false;
  const done = child.exited.then((code) => {
    releaseCnnTrainingLock(lockFile, child.pid);
    if (code === 0) log("cnn baseline: trained and submitted; the scorer scores it next");
    else if (stopped) log("cnn baseline: training stopped (shutdown); the next start trains again");
    else log(`cnn baseline: training failed (exit code ${code}); the next start tries again. Last lines:\n  ${tail.join("\n  ")}`);
  });
  return {
    status: "started",
    pid: child.pid,
    done,
    stop() {
      stopped = true;
      child.kill();
    },
  };
}

/** Waits for a trainer started by another process; if it ends without an entry, tries again here. */
function watchOtherTrainer(
  options: EnsureCnnBaselineOptions & { pid: number; isAlive: (pid: number) => boolean },
): EnsureCnnBaselineResult {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let inner: EnsureCnnBaselineResult | undefined;
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
    const check = () => {
      if (stopped) return resolve();
      if (options.isAlive(options.pid)) {
        timer = setTimeout(check, options.watchMs ?? 5000);
        timer.unref?.();
        return;
      }
      ensureCnnBaseline(options)
        .then((result) => {
          inner = result;
          if (stopped) result.stop();
          return result.done;
        })
        .catch((err: unknown) => options.log(`cnn baseline: not trained: ${err instanceof Error ? err.message : String(err)}`))
        .finally(resolve);
    };
    timer = setTimeout(check, options.watchMs ?? 5000);
    timer.unref?.();
  });
  return {
    status: "already-training",
    pid: options.pid,
    done,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (inner) inner.stop();
      else finish();
    },
  };
}
