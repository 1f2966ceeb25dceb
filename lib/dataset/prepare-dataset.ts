import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import {
  ATTRIBUTES,
  ATTRIBUTES_CSV_HEADER,
  ATTRIBUTES_CSV_NAME,
  IMAGE_CHANNELS,
  IMAGE_HEIGHT,
  IMAGE_WIDTH,
  IMAGES_DIR_NAME,
  PUBLIC_FRACTION_OF_TEST,
  TEST_FRACTION,
  imageFileName,
  type LabelRow,
} from "../challenge/definition";
import { acquirePrepareLock } from "./acquire-prepare-lock";
import { countLabels, majorityClasses } from "./count-labels";
import { DatasetError, formatList, type DatasetProblem } from "./dataset-error";
import {
  MANIFEST_VERSION,
  datasetManifestSchema,
  type DatasetDownload,
  type DatasetManifest,
  type TestCacheMeta,
  type TrainCacheMeta,
} from "./dataset-manifest";
import { decodePortrait, type DecodedPortrait } from "./decode-portrait";
import { checkCurrentIsReplaceable, installBuild, syncDir } from "./install-build";
import {
  CHECKSUMS_NAME,
  HIDDEN_LABELS_HEADER,
  SAMPLE_SUBMISSION_HEADER,
  SAMPLE_SUBMISSION_NAME,
  SYNTHETIC_MARKER_FILE,
  TEST_ZIP_NAME,
  TMP_BUILD_PREFIX,
  TRAIN_ZIP_CSV_NAME,
  TRAIN_ZIP_NAME,
  buildPaths,
  buildsDir,
  tensorCachePaths,
  trainLabelsPath,
} from "./layout";
import type { ImageSource } from "./image-source";
import { openImageSource } from "./open-image-source";
import { createPngWorkerPool, type PngWorkerPool } from "./png-worker-pool";
import { readAttributesCsv, type AttributeRow } from "./read-attributes-csv";
import { forEachDecodedImage } from "./decode-source-images";
import { splitDataset, type DatasetSplit } from "./split-dataset";
import { createTensorCacheWriter } from "./tensor-cache-writer";
import { writeTestZip } from "./write-test-zip";
import { createZipWriter } from "../zip/create-zip-writer";

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

const MAX_REPORTED_SKIPPED = 1000;
const MAX_REPORTED_NAMES = 10;

/**
 * Prepares the challenge dataset from a source folder (docs/dataset.md, docs/challenge.md; layout.ts for
 * the output contract):
 *
 *  1. read and validate the CSV (labels only, small), list the images by name (no decoding);
 *  2. match rows and images, split (stratified, seeded, exact sizes), give test rows opaque ids;
 *  3. one pass over the images in Image_Index order, each decoded once: pixels to the tensor
 *     caches, original bytes to the train zip (re-encoded if they needed a conversion);
 *  4. the test zip re-encoded from the test cache in Image_Id order, the CSVs, SHA256SUMS,
 *     the hidden labels and dataset.json;
 *  5. only then the atomic swap of `current`, and the old builds are deleted.
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

class StageTimer {
  readonly timings: Record<string, number> = {};
  private readonly start = performance.now();
  async run<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[stage] = Math.round((this.timings[stage] ?? 0) + performance.now() - t);
    }
  }
  total(): number {
    return Math.round(performance.now() - this.start);
  }
}

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
    const warnings = [...source.warnings];
    const problems: DatasetProblem[] = [...csv.problems];

    // Rows without an image (every row with a usable index, bad labels or not).
    for (const [index, line] of csv.lineByIndex) {
      const ref = source.images.get(index);
      if (!ref) {
        problems.push({
          code: "missing-image",
          line,
          imageIndex: index,
          message: `${ATTRIBUTES_CSV_NAME} line ${line}: no image ${imageFileName(index)} for Image_Index ${index}`,
        });
      } else if (ref.problem) {
        problems.push({ ...ref.problem, line });
      }
    }
    const orphans = [...source.images.keys()].filter((i) => !csv.lineByIndex.has(i)).sort((a, b) => a - b);
    if (orphans.length > 0) {
      warnings.push(
        `${orphans.length} image(s) have no row in ${ATTRIBUTES_CSV_NAME} and were ignored: ${listNames(orphans.map(imageFileName))}`,
      );
    }

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
        validateImages(source, checkable, concurrency, decoder, describeProblem, (d, t) => progress("validate", d, t)),
      );
      throw invalidRows([...problems, ...imageProblems]);
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
        const built = await writeBuild({
          tmpDir,
          buildId,
          source,
          rows,
          split,
          concurrency,
          decoder,
          pool,
          timer,
          progress,
          describeProblem,
        });
        if (built.problems.length > 0) {
          if (!skipBadRows) throw invalidRows(built.problems);
          if (attempt > 0) throw new Error("images failed to decode on the second pass; the source is changing while it is prepared");
          const bad = new Set(built.problems.map((p) => p.imageIndex));
          rows = rows.filter((r) => !bad.has(r.Image_Index));
          skipped.push(...built.problems);
          await fsp.rm(tmpDir, { recursive: true, force: true });
          continue;
        }
        warnings.push(...built.warnings);

        const manifest = await timer.run("finalize", () =>
          finalizeBuild({ tmpDir, buildId, sourceDir, source, splitSeed, rows, split, built, warnings, skipped, timer }),
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

function invalidRows(problems: DatasetProblem[]): DatasetError {
  const sorted = [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || a.message.localeCompare(b.message));
  const n = sorted.length;
  return new DatasetError(
    "invalid-rows",
    `the source has ${n} problem${n === 1 ? "" : "s"}; nothing was changed. Fix ${n === 1 ? "it" : "them"}, or prepare with --skip-bad-rows to leave the bad rows out:\n${formatList(sorted.map((p) => p.message))}`,
    sorted,
  );
}

function listNames(names: string[]): string {
  const more = names.length > MAX_REPORTED_NAMES ? `, ... (${names.length - MAX_REPORTED_NAMES} more)` : "";
  return names.slice(0, MAX_REPORTED_NAMES).join(", ") + more;
}

function newBuildId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-${crypto.randomBytes(3).toString("hex")}`;
}

type ProblemOf = (index: number, result: Extract<DecodedPortrait, { ok: false }>) => DatasetProblem;
/** "sharp" (tests), or the worker pool that runs the fast decoder. */
type Decoder = "sharp" | PngWorkerPool;

async function validateImages(
  source: ImageSource,
  indices: number[],
  batchesInFlight: number,
  decoder: Decoder,
  problemOf: ProblemOf,
  onProgress: (done: number, total: number) => void,
): Promise<DatasetProblem[]> {
  const problems: DatasetProblem[] = [];
  await forEachDecodedImage({
    source,
    indices,
    decoder,
    batchesInFlight,
    onImage: ({ index, result }, i) => {
      if (!result.ok) problems.push(problemOf(index, result));
      if (i % 256 === 255 || i === indices.length - 1) onProgress(i + 1, indices.length);
    },
  });
  return problems;
}

interface BuiltImages {
  problems: DatasetProblem[];
  warnings: string[];
  trainZip: { sizeBytes: number; sha256: string };
  testZip: { sizeBytes: number; sha256: string };
}

/** Stage 3 and the test zip: everything that touches pixels, into tmpDir. */
async function writeBuild(options: {
  tmpDir: string;
  buildId: string;
  source: ImageSource;
  rows: AttributeRow[];
  split: DatasetSplit;
  concurrency: number;
  decoder: Decoder;
  pool: PngWorkerPool;
  timer: StageTimer;
  progress: (stage: PrepareStage, done: number, total: number) => void;
  describeProblem: ProblemOf;
}): Promise<BuiltImages> {
  const { tmpDir, source, rows, split, concurrency, decoder, pool, timer, progress, describeProblem } = options;
  const paths = buildPaths(tmpDir);
  await fsp.mkdir(paths.publicDir, { recursive: true });
  await fsp.mkdir(paths.cacheDir, { recursive: true });
  await fsp.mkdir(paths.hiddenDir, { recursive: true, mode: 0o700 });

  const rowByIndex = new Map(rows.map((r) => [r.Image_Index, r]));
  const trainPosition = new Map(split.train.map((index, pos) => [index, pos]));
  const testPosition = new Map(split.test.map((t, pos) => [t.Image_Index, pos]));
  const indices = rows.map((r) => r.Image_Index); // ascending: rows are sorted
  const trainRows = split.train.map((i) => rowByIndex.get(i)!);

  const trainCache = tensorCachePaths(paths.cacheDir, "train");
  const testCache = tensorCachePaths(paths.cacheDir, "test");
  const trainCsv = labelsCsv(trainRows);

  const problems: DatasetProblem[] = [];
  const conversions: string[] = [];
  const trainPixels = await createTensorCacheWriter(trainCache.pixels, split.train.length);
  const testPixels = await createTensorCacheWriter(testCache.pixels, split.test.length);
  const trainZip = await createZipWriter(paths.trainZip);
  try {
    // The CSV first, so tools that stream the zip see the labels before the images.
    await trainZip.add(TRAIN_ZIP_CSV_NAME, trainCsv, { compress: true });
    await timer.run("images", () =>
      forEachDecodedImage({
        source,
        indices,
        decoder,
        batchesInFlight: concurrency,
        onImage: async ({ index, bytes, result }, i) => {
          if (i % 256 === 255 || i === indices.length - 1) progress("images", i + 1, indices.length);
          if (!result.ok) {
            problems.push(describeProblem(index, result));
            return;
          }
          // Once a problem is known this build is discarded: keep decoding (to list every
          // problem) but stop writing.
          if (problems.length > 0) return;
          const trainPos = trainPosition.get(index);
          if (trainPos !== undefined) {
            await trainPixels.write(trainPos, result.pixels);
            // Original bytes, unless the file needed a conversion: then the zip gets the RGB
            // the cache holds, so the download and the cache always agree.
            const png = result.conversion ? (await pool.encodeMany(result.pixels, 1, IMAGE_WIDTH, IMAGE_HEIGHT))[0] : bytes;
            await trainZip.add(`${IMAGES_DIR_NAME}/${imageFileName(index)}`, png);
          } else {
            await testPixels.write(testPosition.get(index)!, result.pixels);
          }
          if (result.conversion) conversions.push(`${source.describe(index)} ${result.conversion}`);
        },
      }),
    );
    if (problems.length > 0) {
      await Promise.all([trainPixels.abort(), testPixels.abort(), trainZip.abort()]);
      return { problems, warnings: [], trainZip: { sizeBytes: 0, sha256: "" }, testZip: { sizeBytes: 0, sha256: "" } };
    }
    await trainPixels.close();
    await testPixels.close();
  } catch (err) {
    await Promise.all([trainPixels.abort(), testPixels.abort(), trainZip.abort()]);
    throw err;
  }
  const trainZipResult = await timer.run("train-zip-close", () => trainZip.finish());

  const ids = split.test.map((t) => t.Image_Id);
  const testZipResult = await timer.run("test-zip", () =>
    writeTestZip({
      testPixelsPath: testCache.pixels,
      ids,
      zipPath: paths.testZip,
      concurrency,
      pool,
      onProgress: (d, t) => progress("test-zip", d, t),
    }),
  );

  const trainMeta: TrainCacheMeta = {
    count: split.train.length,
    height: IMAGE_HEIGHT,
    width: IMAGE_WIDTH,
    channels: IMAGE_CHANNELS,
    indices: split.train,
  };
  const testMeta: TestCacheMeta = { count: ids.length, height: IMAGE_HEIGHT, width: IMAGE_WIDTH, channels: IMAGE_CHANNELS, ids };
  await writeDurable(trainCache.meta, JSON.stringify(trainMeta));
  await writeDurable(testCache.meta, JSON.stringify(testMeta));
  await writeDurable(trainLabelsPath(paths.cacheDir), trainCsv);

  const warnings: string[] = [];
  if (conversions.length > 0) {
    warnings.push(`${conversions.length} image(s) were not 8-bit RGB and were converted (alpha dropped, grey replicated): ${listNames(conversions)}`);
  }
  return { problems: [], warnings, trainZip: trainZipResult, testZip: testZipResult };
}

/** Stage 4 (small files) and the manifest; returns the manifest written. */
async function finalizeBuild(options: {
  tmpDir: string;
  buildId: string;
  sourceDir: string;
  source: ImageSource;
  splitSeed: string;
  rows: AttributeRow[];
  split: DatasetSplit;
  built: BuiltImages;
  warnings: string[];
  skipped: DatasetProblem[];
  timer: StageTimer;
}): Promise<DatasetManifest> {
  const { tmpDir, buildId, sourceDir, source, splitSeed, rows, split, built, warnings, skipped, timer } = options;
  const paths = buildPaths(tmpDir);
  const rowByIndex = new Map(rows.map((r) => [r.Image_Index, r]));
  const trainRows = split.train.map((i) => rowByIndex.get(i)!);
  const testRows = split.test.map((t) => ({ ...t, labels: rowByIndex.get(t.Image_Index)! }));

  const trainCounts = countLabels(trainRows);
  // The sample submission predicts the majority train class: a valid file and a baseline.
  const majority = majorityClasses(trainCounts);
  const sample = Buffer.from(
    [SAMPLE_SUBMISSION_HEADER.join(","), ...split.test.map((t) => [t.Image_Id, ...ATTRIBUTES.map((a) => majority[a])].join(","))].join("\n") +
      "\n",
  );
  await writeDurable(paths.sampleSubmission, sample);

  const hidden = Buffer.from(
    [
      HIDDEN_LABELS_HEADER.join(","),
      ...testRows.map((t) => [t.Image_Id, t.split, ...ATTRIBUTES.map((a) => t.labels[a]), t.Image_Index].join(",")),
    ].join("\n") + "\n",
  );
  await writeDurable(paths.hiddenLabels, hidden, 0o600);

  const sampleSha = sha256(sample);
  const sums = Buffer.from(
    [
      `${built.trainZip.sha256}  ${TRAIN_ZIP_NAME}`,
      `${built.testZip.sha256}  ${TEST_ZIP_NAME}`,
      `${sampleSha}  ${SAMPLE_SUBMISSION_NAME}`,
    ].join("\n") + "\n",
  );
  await writeDurable(paths.checksums, sums);

  const downloads: DatasetDownload[] = [
    {
      name: TRAIN_ZIP_NAME,
      sizeBytes: built.trainZip.sizeBytes,
      sha256: built.trainZip.sha256,
      kind: "train-zip",
      description: `${split.train.length.toLocaleString("en-US")} training portraits (PNG, 84x108) and ${TRAIN_ZIP_CSV_NAME} with their labels`,
    },
    {
      name: TEST_ZIP_NAME,
      sizeBytes: built.testZip.sizeBytes,
      sha256: built.testZip.sha256,
      kind: "test-zip",
      description: `${split.test.length.toLocaleString("en-US")} test portraits named by Image_Id, labels hidden`,
    },
    {
      name: SAMPLE_SUBMISSION_NAME,
      sizeBytes: sample.length,
      sha256: sampleSha,
      kind: "sample-submission",
      description: "a valid submission (the most frequent training class everywhere) listing every test Image_Id",
    },
    {
      name: CHECKSUMS_NAME,
      sizeBytes: sums.length,
      sha256: sha256(sums),
      kind: "checksums",
      description: "SHA-256 sums of the other files (sha256sum -c SHA256SUMS)",
    },
  ];

  const isPublic = (t: { split: string }) => t.split === "public";
  const publicRows = testRows.filter(isPublic).map((t) => t.labels);
  const privateRows = testRows.filter((t) => !isPublic(t)).map((t) => t.labels);
  const marker = await readMarker(sourceDir);
  const manifest: DatasetManifest = {
    version: MANIFEST_VERSION,
    buildId,
    createdAt: new Date().toISOString(),
    source: {
      kind: marker.synthetic ? "synthetic" : "real",
      path: sourceDir,
      layout: source.layout,
      ...(marker.content !== undefined ? { marker: marker.content } : {}),
    },
    splitSeedHash: sha256(Buffer.from(splitSeed, "utf8")),
    image: { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, channels: IMAGE_CHANNELS },
    split: { testFraction: TEST_FRACTION, publicFractionOfTest: PUBLIC_FRACTION_OF_TEST, strata: [...ATTRIBUTES] },
    counts: {
      total: rows.length,
      train: split.train.length,
      test: split.test.length,
      public: publicRows.length,
      private: privateRows.length,
    },
    labelCounts: {
      train: trainCounts,
      test: countLabels(testRows.map((t) => t.labels)),
      public: countLabels(publicRows),
      private: countLabels(privateRows),
    },
    downloads,
    report: {
      warnings,
      skipped: [...skipped]
        .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity))
        .slice(0, MAX_REPORTED_SKIPPED)
        .map((p) => ({ code: p.code, message: p.message, ...(p.line !== undefined ? { line: p.line } : {}), ...(p.imageIndex !== undefined ? { imageIndex: p.imageIndex } : {}) })),
      skippedCount: skipped.length,
    },
    timings: {},
  };
  Object.assign(manifest.timings, timer.timings, { total: timer.total() });
  await writeDurable(paths.manifest, JSON.stringify(datasetManifestSchema.parse(manifest), null, 2) + "\n");
  for (const dir of [paths.publicDir, paths.cacheDir, paths.hiddenDir, tmpDir]) await syncDir(dir);
  return manifest;
}

function labelsCsv(rows: LabelRow[]): Buffer {
  const lines = [ATTRIBUTES_CSV_HEADER.join(",")];
  for (const r of rows) lines.push(`${r.Image_Index},${r.Gender},${r.Hair_Color},${r.Hair_Type}`);
  return Buffer.from(lines.join("\n") + "\n");
}

function sha256(data: Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

async function writeDurable(filePath: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const handle = await fsp.open(filePath, "w", mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readMarker(sourceDir: string): Promise<{ synthetic: boolean; content?: unknown }> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(sourceDir, SYNTHETIC_MARKER_FILE), "utf8");
  } catch {
    return { synthetic: false };
  }
  const trimmed = text.trim();
  if (!trimmed) return { synthetic: true };
  try {
    return { synthetic: true, content: JSON.parse(trimmed) };
  } catch {
    return { synthetic: true, content: trimmed.slice(0, 1000) };
  }
}
