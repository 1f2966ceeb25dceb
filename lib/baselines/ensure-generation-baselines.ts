import type { Db } from "../db/client";
import { findRunningPhase } from "../phases/find-running-phase";
import { resolveScoringBuild } from "../scoring/resolve-scoring-build";
import type { BlobStore } from "../storage/blob-store";
import { buildPaths } from "../dataset/layout";
import {
  acquireCnnTrainingLock,
  isTrainingProcessAlive,
  readCnnTrainingLock,
  releaseCnnTrainingLock,
  updateCnnTrainingLock,
} from "./cnn-training-lock";
import { GENERATION_BASELINES } from "./generation-baseline-definitions";
import { GENERATION_TRACK, runGenerationBaseline } from "./run-generation-baseline";
import type { TrainingProcess } from "./training-process";
import path from "node:path";

/** Starts `npm run baselines -- --track generation --only NAMES` in the background (baselines/spawn-cnn-training.ts). */
export type SpawnGenerationTraining = (options: {
  root: string;
  dataDir: string;
  only: string[];
  onLine: (line: string) => void;
}) => TrainingProcess | Promise<TrainingProcess>;

export type EnsureGenerationBaselinesStatus =
  "no-dataset" | "no-phase" | "present" | "submitted" | "started" | "already-training" | "waiting";

export interface EnsureGenerationBaselinesResult {
  status: EnsureGenerationBaselinesStatus;
  /** Quick baselines submitted in this process. */
  submitted: string[];
  /** Baselines (and the feature network) left to the background trainer, when one was started. */
  background: string[];
  done: Promise<void>;
  stop(): void;
}

/** The background trainer's lock (the same format as the cnn's: pid, dataset, start time). */
export function generationTrainingLockPath(dataDir: string): string {
  return path.join(dataDir, "generation-baselines-training.lock");
}

/**
 * `npm start`'s generation baselines. Needs the current dataset and a running generation phase
 * (else it logs why and does nothing). For each baseline of GENERATION_BASELINES without a
 * queued, running or scored entry on the dataset:
 *
 * - when a feature network is registered for the dataset (scoring needs one), the quick ones
 *   (PCA, resampling: seconds) are trained and submitted here, the embedded worker scores them;
 * - the rest (the VAE: minutes), and the quick ones too when no feature network exists yet, go
 *   to one background child at the lowest priority (`spawnTraining`: the `npm run baselines`
 *   CLI), which first trains and registers the feature network if it is missing. Only when
 *   `background` is "start" (npm start: after the cnn's child, and only with
 *   CNN_BASELINE_ON_START=1; the e2e suite turns the slow parts off).
 *
 * A lock under DATA_DIR holds the child's pid: a live one is left alone, a stale one removed.
 */
export async function ensureGenerationBaselines(options: {
  db: Db;
  dataDir: string;
  root: string;
  log: (msg: string) => void;
  /**
   * What to do with the slow part: "start" the background child; "later" (the caller calls
   * again once the cnn's child is done: both at nice 19 would halve each other); "off" log it
   * (CNN_BASELINE_ON_START=0: the e2e suite).
   */
  background: "start" | "later" | "off";
  spawnTraining: SpawnGenerationTraining;
  store?: BlobStore;
  now?: Date;
  isProcessAlive?: (pid: number) => boolean;
}): Promise<EnsureGenerationBaselinesResult> {
  const { db, dataDir, log } = options;
  const result = (status: EnsureGenerationBaselinesStatus, submitted: string[] = [], background: string[] = []) => ({
    status,
    submitted,
    background,
    done: Promise.resolve(),
    stop() {},
  });
  const dataset = await db.dataset.findFirst({ where: { isCurrent: true } });
  const buildDir = dataset ? await resolveScoringBuild({ dataDir, buildId: dataset.buildId }) : undefined;
  if (!dataset || !buildDir) return result("no-dataset");
  const phase = await findRunningPhase({ db, track: GENERATION_TRACK, now: options.now ?? new Date() });
  if (!phase) {
    log("generation baselines: no generation phase is running; skipped");
    return result("no-phase");
  }
  const missing = [];
  for (const baseline of GENERATION_BASELINES) {
    const existing = await db.submission.findFirst({
      where: { baseline: { name: baseline.name }, datasetId: dataset.id, status: { in: ["queued", "running", "scored"] } },
      select: { id: true },
    });
    if (!existing) missing.push(baseline);
  }
  if (missing.length === 0) return result("present");

  const hasFeatureNetwork = !!(await db.featureNetwork.findFirst({ where: { datasetId: dataset.id }, select: { id: true } }));
  const submitted: string[] = [];
  if (hasFeatureNetwork) {
    for (const baseline of missing.filter((b) => b.quick)) {
      const run = await runGenerationBaseline({
        db,
        baseline,
        cacheDir: buildPaths(buildDir).cacheDir,
        dataDir,
        store: options.store,
        phase,
      });
      if (run.status !== "submitted") continue;
      log(`generation baseline ${baseline.name} built in ${run.artifact.trainSeconds.toFixed(1)} s and submitted for scoring`);
      submitted.push(baseline.name);
    }
  }
  const rest = missing.filter((b) => !submitted.includes(b.name)).map((b) => b.name);
  if (rest.length === 0) return result("submitted", submitted);
  const what = `${hasFeatureNetwork ? "" : "the feature network, then "}${rest.join(", ")}`;
  if (options.background !== "start") {
    if (options.background === "off")
      log(
        `generation baselines: ${what} not trained (background training is off: CNN_BASELINE_ON_START=0); run npm run baselines -- --track generation`,
      );
    return result(submitted.length ? "submitted" : "waiting", submitted);
  }

  const lockFile = generationTrainingLockPath(dataDir);
  const isAlive = options.isProcessAlive ?? isTrainingProcessAlive;
  const held = readCnnTrainingLock(lockFile);
  if (held && isAlive(held.pid)) {
    log(`generation baselines: already training (pid ${held.pid}, since ${held.startedAt})`);
    return result("already-training", submitted);
  }
  if (held) releaseCnnTrainingLock(lockFile, held.pid);
  const lock = { pid: process.pid, datasetId: dataset.id, startedAt: new Date().toISOString() };
  if (!acquireCnnTrainingLock(lockFile, lock)) return result("already-training", submitted);
  const tail: string[] = [];
  let child: TrainingProcess;
  try {
    child = await options.spawnTraining({
      root: options.root,
      dataDir,
      only: rest,
      onLine: (line) => {
        tail.push(line);
        if (tail.length > 8) tail.shift();
        if (/^(feature network|\S+: submitted as|vae: epoch)/.test(line)) log(`generation baselines: ${line.trim()}`);
      },
    });
  } catch (err) {
    releaseCnnTrainingLock(lockFile, process.pid);
    throw err;
  }
  updateCnnTrainingLock(lockFile, { ...lock, pid: child.pid });
  log(`generation baselines: training ${what} in the background (pid ${child.pid}, lowest CPU priority)`);
  let stopped = false;
  const done = child.exited.then((code) => {
    releaseCnnTrainingLock(lockFile, child.pid);
    if (code === 0) log("generation baselines: trained and submitted; the scorer scores them next");
    else if (stopped) log("generation baselines: training stopped (shutdown); the next start trains again");
    else log(`generation baselines: training failed (exit code ${code}); the next start tries again. Last lines:\n  ${tail.join("\n  ")}`);
  });
  return {
    status: "started",
    submitted,
    background: rest,
    done,
    stop() {
      stopped = true;
      child.kill();
    },
  };
}
