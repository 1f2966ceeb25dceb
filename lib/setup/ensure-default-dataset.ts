import path from "node:path";
import fs from "node:fs/promises";
import { env } from "../env";
import { getDb } from "../db/client";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import { registerDataset } from "../dataset-records/register-dataset";
import { generateSynthetic } from "../dataset/synthetic/generate-synthetic";
import { createStageProgress } from "../terminal/progress";
import { prepareAndRegisterDataset } from "./prepare-and-register-dataset";

/** Seed of the built-in synthetic dataset: every fresh instance gets the same portraits. */
export const DEFAULT_SYNTHETIC_SEED = 20210801;

/**
 * Makes sure a dataset is prepared and recorded as current. On a fresh instance that means
 * generating the built-in synthetic portraits (SYNTHETIC_COUNT of them, in the real zip
 * layout, so the same import path as the real data is exercised) and preparing them. An
 * instance that already has a prepared dataset is only re-registered (cheap, idempotent).
 */
export async function ensureDefaultDataset(options: { log: (msg: string) => void }): Promise<void> {
  const { log } = options;
  const { dataDir, SYNTHETIC_COUNT, SPLIT_SEED } = env();
  const db = getDb();
  const existing = await readPreparedDataset(dataDir);
  if (existing) {
    await registerDataset({ db, manifest: existing });
    log(`dataset ${existing.buildId} (${existing.source.kind}, ${existing.counts.total} images) is prepared`);
    return;
  }
  const sourceDir = path.join(dataDir, "synthetic-source");
  log(`no dataset prepared: generating ${SYNTHETIC_COUNT} synthetic portraits into ${sourceDir}`);
  await fs.rm(sourceDir, { recursive: true, force: true });
  const progress = createStageProgress();
  try {
    await generateSynthetic({
      outDir: sourceDir,
      count: SYNTHETIC_COUNT,
      seed: DEFAULT_SYNTHETIC_SEED,
      layout: "zips",
      onProgress: (done, total) => progress.update("generate", done, total),
    });
    const result = await prepareAndRegisterDataset({
      db,
      dataDir,
      sourceDir,
      splitSeedOverride: SPLIT_SEED,
      onProgress: (stage, done, total) => progress.update(stage, done, total),
    });
    progress.stop();
    log(`prepared dataset ${result.buildId}: ${result.manifest.counts.train} train, ${result.manifest.counts.test} test images`);
  } finally {
    progress.stop();
  }
  // The generated source is only an input: the prepared build holds everything served.
  await fs.rm(sourceDir, { recursive: true, force: true });
}
