/**
 * `npm run baselines [-- --track attributes|generation] [--only NAME[,NAME]] [--epochs N]`: trains
 * the organizer baselines on the current prepared dataset (the build the database's current
 * Dataset points to), submits each through the normal upload path as an organizer-owned baseline
 * entry, waits for the scorer and prints the public scores. Both tracks by default: the
 * attributes baselines (prior, colour-features, cnn), then the generation track's
 * (lib/baselines/generation-baseline-definitions.ts: pca-sampler, train-resampling, vae), which
 * go to the running generation phase (none running: skipped) and first get a feature network
 * trained and registered when the dataset has none.
 *
 * Scoring: by default a worker runs inside this process too, so the command finishes on its own
 * even when no `npm start` / `npm run scorer` is up (several workers share the queue safely);
 * `--no-local-worker` leaves it to the running scorers.
 *
 * `--no-wait` returns once the entries are submitted (the running scorers score them);
 * `--exit-with-parent` stops training when the process that started this one goes away (the
 * background CNN of `npm start`, lib/baselines/ensure-cnn-baseline.ts).
 *
 * Exit codes: 0 all scored (or submitted, with --no-wait); 1 a baseline failed or was not
 * scored; 2 nothing to train on.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { BASELINES, PLANNED_BASELINES, findBaseline } from "@/lib/baselines/baseline-definitions";
import {
  GENERATION_BASELINES,
  findGenerationBaseline,
  type GenerationBaselineDefinition,
} from "@/lib/baselines/generation-baseline-definitions";
import { runBaseline } from "@/lib/baselines/run-baseline";
import type { BaselineArtifact, BaselineDefinition } from "@/lib/baselines/types";
import { waitForSubmissionScore } from "@/lib/baselines/wait-for-submission-score";
import { ATTRIBUTES } from "@/lib/challenge/definition";
import { buildPaths } from "@/lib/dataset/layout";
import { closeDb, getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { resolveScoringBuild } from "@/lib/scoring/resolve-scoring-build";
import { startWorker, type Worker } from "@/scorer/worker";
import { createBaselineProgress } from "./create-baseline-progress";
import { runGenerationBaselines } from "./run-generation-baselines";

const say = (msg: string) => process.stderr.write(msg + "\n");

const program = new Command()
  .name("npm run baselines --")
  .description("train the organizer baselines on the current dataset, submit them and print their public scores")
  .option(
    "--only <names>",
    `some baselines, comma-separated: ${[...BASELINES.map((b) => b.name), ...GENERATION_BASELINES.map((b) => b.name), ...PLANNED_BASELINES.map((n) => `${n} (planned)`)].join(", ")}`,
  )
  .option("--track <track>", "attributes, generation or both (default both)")
  .option("--epochs <n>", "training epochs (default: each baseline's own)", (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--epochs must be a positive integer, got ${v}`);
    return n;
  })
  .option("--seed <n>", "seed of the held-out split and the training order", (v) => Number(v) || 1, 1)
  .option("--timeout <seconds>", "how long to wait for each score", (v) => Math.max(1, Number(v) || 600), 600)
  .option("--no-local-worker", "do not score in this process; wait for the running scorers")
  .option("--out <dir>", "also write each trained baseline's file (predictions CSV or model zip) into this folder, before submitting")
  .option("--no-wait", "do not wait for the scores: stop once the entries are submitted")
  .option("--exit-with-parent", "stop when the parent process exits (background training by npm start)")
  .showHelpAfterError();

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<{
    only?: string;
    track?: string;
    epochs?: number;
    seed: number;
    timeout: number;
    localWorker: boolean;
    wait: boolean;
    exitWithParent?: boolean;
    out?: string;
  }>();
  if (opts.exitWithParent) exitWithParent();
  if (opts.track && opts.track !== "attributes" && opts.track !== "generation") {
    say(`Unknown track ${opts.track}: attributes or generation.`);
    return 2;
  }
  let selected: readonly BaselineDefinition[] = opts.track === "generation" ? [] : BASELINES;
  let generation: readonly GenerationBaselineDefinition[] = opts.track === "attributes" ? [] : GENERATION_BASELINES;
  if (opts.only) {
    const names = opts.only.split(",").map((n) => n.trim());
    selected = [];
    generation = [];
    for (const name of names) {
      const found = findBaseline(name);
      const generator = findGenerationBaseline(name);
      if (found && opts.track !== "generation") selected = [...selected, found];
      else if (generator && opts.track !== "attributes") generation = [...generation, generator];
      else {
        say(
          PLANNED_BASELINES.includes(name)
            ? `The ${name} baseline is not built yet.`
            : `Unknown baseline ${name}${opts.track ? ` in the ${opts.track} track` : ""}.`,
        );
        return 2;
      }
    }
  }

  const config = env();
  const db = getDb();
  const dataset = await db.dataset.findFirst({ where: { isCurrent: true } });
  const buildDir = dataset ? await resolveScoringBuild({ dataDir: config.dataDir, buildId: dataset.buildId }) : undefined;
  if (!dataset || !buildDir) {
    say("No current dataset is prepared and registered: run `npm run data -- prepare` (or `npm start`) first.");
    return 2;
  }
  const cacheDir = buildPaths(buildDir).cacheDir;
  say(`Training on dataset ${dataset.buildId} (${dataset.trainCount} train images, ${dataset.testCount} test images).`);

  let worker: Worker | undefined;
  if (opts.localWorker && opts.wait) worker = startWorker({ db, types: ["score-submission", "score-generation"], log: () => {} });
  const results: { name: string; line: string; ok: boolean }[] = [];
  try {
    for (const baseline of selected) {
      const progress = createBaselineProgress({ name: baseline.name });
      let submissionId: string;
      let trainLine: string;
      try {
        const run = await runBaseline({
          db,
          baseline,
          cacheDir,
          epochs: opts.epochs,
          seed: opts.seed,
          onProgress: (stage, done, total) => progress.stage(stage, done, total),
          onEpoch: (report) => progress.epoch(report),
          onBatch: (report) => progress.batch(report),
          onArtifact: opts.out ? (artifact) => writeArtifact(opts.out!, artifact) : undefined,
        });
        submissionId = run.submission.id;
        trainLine = `held-out main ${run.artifact.validation.main.toFixed(4)}, trained in ${run.artifact.trainSeconds.toFixed(1)} s`;
      } finally {
        progress.stop();
      }
      if (!opts.wait) {
        say(`${baseline.name}: submitted as ${submissionId} (${trainLine}); the running scorers will score it`);
        results.push({ name: baseline.name, ok: true, line: `submitted as ${submissionId}; ${trainLine}` });
        continue;
      }
      say(`${baseline.name}: submitted as ${submissionId} (${trainLine}); waiting for the scorer...`);
      const scored = await waitForSubmissionScore({ db, submissionId, timeoutMs: opts.timeout * 1000 });
      if (scored.status !== "scored" || !scored.score) {
        results.push({ name: baseline.name, ok: false, line: `failed: ${scored.errorMessage ?? scored.status}` });
        continue;
      }
      const pub = scored.score.public as { attributes?: Record<string, { macroF1: number | null }> };
      const perAttribute = ATTRIBUTES.map((a) => `${a} ${pub.attributes?.[a]?.macroF1?.toFixed(4) ?? "n/a"}`).join(", ");
      results.push({
        name: baseline.name,
        ok: true,
        line: `public main ${scored.score.publicMain.toFixed(4)} (macro-F1 ${perAttribute}); ${trainLine}`,
      });
    }
    if (generation.length > 0)
      results.push(
        ...(await runGenerationBaselines({
          db,
          dataDir: config.dataDir,
          dataset,
          cacheDir,
          baselines: generation,
          epochs: opts.epochs,
          seed: opts.seed,
          wait: opts.wait,
          timeoutSeconds: opts.timeout,
          out: opts.out,
          say,
        })),
      );
  } finally {
    await worker?.stop();
  }
  for (const r of results) process.stdout.write(`${r.name.padEnd(16)} ${r.line}\n`);
  return results.every((r) => r.ok) && results.length >= selected.length ? 0 : 1;
}

/** Keeps a trained file on disk: a submission that fails (database down, schema behind) must not cost the training. */
function writeArtifact(dir: string, artifact: BaselineArtifact): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, artifact.fileName);
  fs.writeFileSync(file, artifact.bytes);
  say(`wrote ${file} (${artifact.bytes.length} bytes)`);
}

/**
 * Exits when this process is orphaned (Linux re-parents it, so its parent id changes): a
 * background trainer must not outlive the `npm start` that launched it, even a killed one.
 */
function exitWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent) return;
    say("the parent process is gone: stopping");
    process.exit(1);
  }, 2000).unref();
}

main()
  .then(async (code) => {
    await closeDb();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    say(error instanceof Error ? error.message : String(error));
    await closeDb().catch(() => {});
    process.exit(1);
  });
