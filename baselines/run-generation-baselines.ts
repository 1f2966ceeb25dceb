import fs from "node:fs";
import path from "node:path";
import type { Dataset, Db } from "@/lib/db/client";
import type { GenerationBaselineDefinition } from "@/lib/baselines/generation-baseline-definitions";
import { GENERATION_TRACK, runGenerationBaseline } from "@/lib/baselines/run-generation-baseline";
import { waitForSubmissionScore } from "@/lib/baselines/wait-for-submission-score";
import { ensureFeatureNetwork } from "@/lib/generation/ensure-feature-network";
import { findRunningPhase } from "@/lib/phases/find-running-phase";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export interface BaselineLine {
  name: string;
  line: string;
  ok: boolean;
}

/**
 * The generation part of `npm run baselines`: needs a running generation phase (else says so and
 * does nothing); trains and registers a feature network when the dataset has none (scoring
 * needs one); then builds each baseline, submits it as a generator entry and, unless `wait` is
 * off, waits for its score.
 */
export async function runGenerationBaselines(options: {
  db: Db;
  dataDir: string;
  dataset: Dataset;
  cacheDir: string;
  baselines: readonly GenerationBaselineDefinition[];
  epochs?: number;
  seed: number;
  wait: boolean;
  timeoutSeconds: number;
  out?: string;
  say: (msg: string) => void;
}): Promise<BaselineLine[]> {
  const { db, dataDir, dataset, cacheDir, say } = options;
  const phase = await findRunningPhase({ db, track: GENERATION_TRACK, now: new Date() });
  if (!phase) {
    say("No generation phase is running: the generation baselines are skipped (an organizer opens one on the phases page).");
    return [];
  }
  const store = getBlobStore({ db, dataDir });
  const network = await ensureFeatureNetwork({ db, store, datasetId: dataset.id, cacheDir, log: say });
  if (network.status === "present") say(`generation: scoring with feature network ${network.sha256.slice(0, 12)}…`);
  const lines: BaselineLine[] = [];
  for (const baseline of options.baselines) {
    say(`${baseline.name}: ${baseline.quick ? "fitting" : "training (minutes)"}...`);
    const run = await runGenerationBaseline({
      db,
      baseline,
      cacheDir,
      dataDir,
      store,
      phase,
      epochs: options.epochs,
      seed: options.seed,
      onEpoch: (e) =>
        say(
          `${baseline.name}: epoch ${e.epoch}/${e.epochs} reconstruction RMSE ${e.rmse255.toFixed(2)}/255, KL ${e.kl.toFixed(1)}, ${Math.round(e.imagesPerSecond)} images/s`,
        ),
      onArtifact: options.out
        ? (_artifact, zip) => {
            fs.mkdirSync(options.out!, { recursive: true });
            const file = path.join(options.out!, `${baseline.name}.zip`);
            fs.writeFileSync(file, zip);
            say(`wrote ${file} (${zip.length} bytes)`);
          }
        : undefined,
    });
    if (run.status !== "submitted") continue;
    const trainLine = `${run.artifact.summary}; built in ${run.artifact.trainSeconds.toFixed(1)} s`;
    if (!options.wait) {
      say(`${baseline.name}: submitted as ${run.submission.id} (${trainLine}); the running scorers will score it`);
      lines.push({ name: baseline.name, ok: true, line: `submitted as ${run.submission.id}; ${trainLine}` });
      continue;
    }
    say(`${baseline.name}: submitted as ${run.submission.id}; waiting for the scorer...`);
    const scored = await waitForSubmissionScore({ db, submissionId: run.submission.id, timeoutMs: options.timeoutSeconds * 1000 });
    if (scored.status !== "scored" || !scored.score) {
      lines.push({ name: baseline.name, ok: false, line: `failed: ${scored.errorMessage ?? scored.status}` });
      continue;
    }
    const pub = scored.score.public as Record<string, number | boolean>;
    const num = (k: string) => (typeof pub[k] === "number" ? (pub[k] as number).toFixed(3) : "n/a");
    lines.push({
      name: baseline.name,
      ok: true,
      line: `public main ${scored.score.publicMain.toFixed(3)} (lower is better; FPD ${num("fpd")}, precision ${num("precision")}, recall ${num("recall")}, near copies ${num("nearCopyShare")}${pub.memorised ? ", memorised" : ""}); ${trainLine}`,
    });
  }
  return lines;
}
