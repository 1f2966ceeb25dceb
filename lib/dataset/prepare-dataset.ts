import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { acquirePrepareLock } from "./acquire-prepare-lock";
import { DatasetError, invalidRowsError, type DatasetProblem } from "./dataset-error";
import type { DatasetManifest } from "./dataset-manifest";
import type { DecodedPortrait } from "./decode-portrait";
import { finalizeBuild } from "./finalize-build";
import { findImageProblems, type Decoder } from "./find-image-problems";
import { checkCurrentIsReplaceable, installBuild } from "./install-build";
import { TMP_BUILD_PREFIX, buildsDir } from "./layout";
import { matchRowsToImages } from "./match-rows-to-images";
import { openImageSource } from "./open-image-source";
import { createPngWorkerPool } from "./png-worker-pool";
import { readAttributesCsv } from "./read-attributes-csv";
import { splitDataset } from "./split-dataset";
import { StageTimer } from "./stage-timer";
import { writeBuildImages } from "./write-build-images";

export type PrepareStage = "read-csv" | "list-images" | "validate" | "images" | "test-zip" | "finalize";

export interface PrepareDatasetOptions {
  /** Folder with Tiny_Portraits_Attributes.csv and Tiny_Portraits_Images/ or Tiny_Portraits_Zipfiles/. */
  sourceDir: string;
  /** DATA_DIR; the build goes to `${dataDir}/dataset/`. */
  dataDir: string;
  /** The server-side secret that fixes the split and the test ids. Never written anywhere. */
  splitSeed: string;
  /** Replace a dataset even when `hasSubmissions` says it has submissions. */
  force?: boolean;
  /** Leave bad rows out (listed in the report) instead of failing. Structural problems still fail. */
  skipBadRows?: boolean;
  /** Asked before any work; true and !force -> DatasetError "has-submissions". */
  hasSubmissions?: () => Promise<boolean>;
  onProgress?: (stage: PrepareStage, done: number, total: number) => void;
  /**
   * Batches of 32 images read and decoded ahead of the writing (default 4): enough to keep
   * the worker threads busy, with memory bounded to a few MB.
   */
  concurrency?: number;
  /** Tests: decode everything with sharp, to compare with the fast decoder. */
  decoder?: "auto" | "sharp";
}

export interface PrepareResult {
  buildId: string;
  /** The build's real folder (`current` points to it). */
  buildDir: string;
  manifest: DatasetManifest;
}

/**
 * Prepares the challenge dataset from a source folder (docs/dataset.md, docs/challenge.md; layout.ts for
 * the output contract):
 *
 *  1. read and validate the CSV (readAttributesCsv: labels only, small), list the images by
 *     name (openImageSource: no decoding);
 *  2. match rows and images (matchRowsToImages), split (splitDataset: stratified, seeded, exact
 *     sizes, opaque test ids);
 *  3. writeBuildImages: one pass over the images in Image_Index order, each decoded once:
 *     pixels to the tensor caches, original bytes to the train zip (re-encoded if they needed a
 *     conversion); the test zip re-encoded from the test cache in Image_Id order;
 *  4. finalizeBuild: the sample submission, the hidden labels, SHA256SUMS and dataset.json
 *     (buildDatasetManifest);
 *  5. only then installBuild: the atomic swap of `current`, and the old builds are deleted.
 *
 * Everything is written into builds/.tmp-<id>/ first; any failure removes that folder and
 * leaves the live dataset untouched. Strict by default: any row-level problem fails with all
 * problems listed; with skipBadRows those rows are left out and listed in the report.
 */
export async function prepareDataset(options: PrepareDatasetOptions): Promise<PrepareResult> {
  const { dataDir, splitSeed, force = false, hasSubmissions } = options;
  const sourceDir = path.resolve(options.sourceDir);
  if (!splitSeed) throw new Error("prepareDataset needs a non-empty splitSeed");
  if (!fs.existsSync(sourceDir) || !fs.statSync(sourceDir).isDirectory()) {
    throw new DatasetError("source-not-found", `source folder ${sourceDir} does not exist`);
  }
  if (hasSubmissions && !force && (await hasSubmissions())) {
    throw new DatasetError(
      "has-submissions",
      "the current dataset already has submissions; preparing a new one would change the test set under them. Run again with --force to replace it anyway.",
    );
  }
  await checkCurrentIsReplaceable(dataDir);
  const release = await acquirePrepareLock(dataDir);
  try {
    await fsp.mkdir(buildsDir(dataDir), { recursive: true });
    // Leftovers of a prepare that was killed (we hold the lock, so nobody else owns them).
    for (const name of await fsp.readdir(buildsDir(dataDir))) {
      if (name.startsWith(TMP_BUILD_PREFIX)) await fsp.rm(path.join(buildsDir(dataDir), name), { recursive: true, force: true });
    }
    return await prepareLocked({ ...options, sourceDir });
  } finally {
    await release();
  }
}

/** The prepare itself, under the lock: each step is one operation of its own file. */
async function prepareLocked(options: PrepareDatasetOptions & { sourceDir: string }): Promise<PrepareResult> {
  const { sourceDir, dataDir, splitSeed, skipBadRows = false, onProgress, concurrency = 4 } = options;
  const timer = new StageTimer();
  const progress = (stage: PrepareStage, done: number, total: number) => onProgress?.(stage, done, total);

  progress("read-csv", 0, 0);
  const csv = await timer.run("read-csv", () => readAttributesCsv(sourceDir));
  progress("read-csv", csv.dataRowCount, csv.dataRowCount);

  progress("list-images", 0, 0);
  const source = await timer.run("list-images", () => openImageSource(sourceDir));
  progress("list-images", source.images.size, source.images.size);
  const pool = createPngWorkerPool();

  try {
    const matched = matchRowsToImages({ csv, source });
    const warnings = [...source.warnings, ...matched.warnings];
    const problems: DatasetProblem[] = [...csv.problems, ...matched.problems];

    const decoder: Decoder = options.decoder === "sharp" ? "sharp" : pool;
    const describeProblem = (index: number, result: Extract<DecodedPortrait, { ok: false }>): DatasetProblem => ({
      code: result.code,
      imageIndex: index,
      line: csv.lineByIndex.get(index),
      message: `${source.describe(index)} ${result.detail}`,
    });

    if (problems.length > 0 && !skipBadRows) {
      // Strict: still decode the images we could check, so one run lists every problem.
      const checkable = [...csv.lineByIndex.keys()].filter((i) => source.images.get(i) && !source.images.get(i)!.problem);
      checkable.sort((a, b) => a - b);
      const imageProblems = await timer.run("validate", () =>
        findImageProblems({
          source,
          indices: checkable,
          batchesInFlight: concurrency,
          decoder,
          problemOf: describeProblem,
          onProgress: (d, t) => progress("validate", d, t),
        }),
      );
      throw invalidRowsError([...problems, ...imageProblems]);
    }

    const excluded = new Set(problems.map((p) => p.imageIndex).filter((i): i is number => i !== undefined));
    let rows = csv.rows.filter((r) => !excluded.has(r.Image_Index));
    const skipped = [...problems];

    // With skipBadRows, images found broken while decoding change the row set, and the split
    // must be exact for the final rows: then the pass runs once more without them (rare).
    for (let attempt = 0; ; attempt++) {
      if (rows.length === 0) {
        throw new DatasetError("empty-dataset", `no usable rows in ${sourceDir}${skipped.length ? ` (${skipped.length} skipped)` : ""}`);
      }
      const split = splitDataset({ rows, seed: splitSeed });
      const buildId = newBuildId();
      const tmpDir = path.join(buildsDir(dataDir), `${TMP_BUILD_PREFIX}${buildId}`);
      try {
        const built = await writeBuildImages({ tmpDir, source, rows, split, concurrency, decoder, pool, timer, progress, describeProblem });
        if (built.problems.length > 0) {
          if (!skipBadRows) throw invalidRowsError(built.problems);
          if (attempt > 0) throw new Error("images failed to decode on the second pass; the source is changing while it is prepared");
          const bad = new Set(built.problems.map((p) => p.imageIndex));
          rows = rows.filter((r) => !bad.has(r.Image_Index));
          skipped.push(...built.problems);
          await fsp.rm(tmpDir, { recursive: true, force: true });
          continue;
        }
        warnings.push(...built.warnings);

        const manifest = await timer.run("finalize", () =>
          finalizeBuild({
            tmpDir,
            buildId,
            sourceDir,
            layout: source.layout,
            splitSeed,
            rows,
            split,
            zips: { trainZip: built.trainZip, testZip: built.testZip },
            warnings,
            skipped,
            timer,
          }),
        );
        const finalDir = await installBuild({ dataDir, tmpDir, buildId });
        progress("finalize", 1, 1);
        return { buildId, buildDir: finalDir, manifest };
      } catch (err) {
        await fsp.rm(tmpDir, { recursive: true, force: true });
        throw err;
      }
    }
  } finally {
    await pool.close();
    await source.close();
  }
}

function newBuildId(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${crypto.randomBytes(3).toString("hex")}`;
}
