import fs from "node:fs";
import os from "node:os";
import readline from "node:readline";
import type { SpawnGenerationTraining } from "../lib/baselines/ensure-generation-baselines";
import type { SpawnCnnTraining, TrainingProcess } from "../lib/baselines/training-process";
import { spawnWorkerProcess } from "../lib/workers/spawn-worker-process";

/**
 * The trainer's entry, relative to the project folder: the `npm run baselines` CLI itself, so
 * the background CNN is trained, submitted and printed exactly as by hand.
 */
export const CNN_TRAINING_ENTRY = "baselines/main.ts";

/** Niceness of the background trainer: the lowest priority, so the site and scorer come first. */
const NICENESS = 19;

/**
 * Starts `npm run baselines -- --only cnn --no-wait --exit-with-parent` as a child process at
 * the lowest CPU priority, through lib/workers (plain `node` on the CLI's bundle: no tsx in
 * between, so the child gets our signals directly and sees this process as its parent). Through
 * `nice` when it exists, so every thread of the child (onnxruntime's intra-op threads included;
 * niceness is per thread on Linux) inherits it from the start; otherwise os.setPriority on the
 * child right after spawning. `--no-wait`: the child exits once the entry is submitted and the
 * running scorer (npm start's embedded worker) scores it; `--exit-with-parent`: it stops when
 * the process that started it is gone.
 */
export const spawnCnnTraining: SpawnCnnTraining = async (options) => {
  const args = ["--only", "cnn", "--no-wait", "--exit-with-parent"];
  if (options.epochs) args.push("--epochs", String(options.epochs));
  return spawnBaselinesCli({ ...options, args });
};

/**
 * The generation baselines' background trainer (lib/baselines/ensure-generation-baselines.ts):
 * `npm run baselines -- --track generation --only NAMES --no-wait --exit-with-parent`, started
 * the same way (lowest priority, stops with its parent). It trains and registers the feature
 * network first when the dataset has none.
 */
export const spawnGenerationTraining: SpawnGenerationTraining = (options) =>
  spawnBaselinesCli({ ...options, args: ["--track", "generation", "--only", options.only.join(","), "--no-wait", "--exit-with-parent"] });

async function spawnBaselinesCli(options: {
  root: string;
  dataDir: string;
  args: string[];
  onLine: (line: string) => void;
}): Promise<TrainingProcess> {
  const { args } = options;
  const nice = ["/usr/bin/nice", "/bin/nice"].find((p) => fs.existsSync(p));
  const child = await spawnWorkerProcess({
    entry: CNN_TRAINING_ENTRY,
    root: options.root,
    args,
    cwd: options.root,
    env: { ...process.env, DATA_DIR: options.dataDir },
    stdio: ["ignore", "pipe", "pipe"],
    wrap: nice ? (command) => [nice, "-n", String(NICENESS), ...command] : undefined,
  });
  if (!nice && child.pid) {
    try {
      os.setPriority(child.pid, NICENESS);
    } catch {
      // Not permitted here: it still runs, at normal priority.
    }
  }
  for (const stream of [child.stdout!, child.stderr!]) readline.createInterface({ input: stream }).on("line", options.onLine);
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", (err) => {
      options.onLine(`could not start the trainer: ${err.message}`);
      resolve(-1);
    });
  });
  return {
    pid: child.pid ?? -1,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    },
  };
}
