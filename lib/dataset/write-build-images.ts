import fsp from "node:fs/promises";
import { IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGES_DIR_NAME, imageFileName } from "../challenge/definition";
import { createZipWriter } from "../zip/create-zip-writer";
import { listNames, type DatasetProblem } from "./dataset-error";
import type { TestCacheMeta, TrainCacheMeta } from "./dataset-manifest";
import type { BuiltFile } from "./build-dataset-manifest";
import { forEachDecodedImage } from "./decode-source-images";
import type { Decoder, ProblemOf } from "./find-image-problems";
import { formatLabelsCsv } from "./format-build-csvs";
import type { ImageSource } from "./image-source";
import { TRAIN_ZIP_CSV_NAME, buildPaths, tensorCachePaths, trainLabelsPath } from "./layout";
import type { PngWorkerPool } from "./png-worker-pool";
import type { AttributeRow } from "./read-attributes-csv";
import type { DatasetSplit } from "./split-dataset";
import type { StageTimer } from "./stage-timer";
import { createTensorCacheWriter } from "./tensor-cache-writer";
import { writeDurableFile } from "./write-durable-file";
import { writeTestZip } from "./write-test-zip";

export type ImageStage = "images" | "test-zip";

export interface BuiltImages {
  /** Images that failed to decode: then nothing else was written and the build is discarded. */
  problems: DatasetProblem[];
  warnings: string[];
  trainZip: BuiltFile;
  testZip: BuiltFile;
}

/**
 * Everything of a build that touches pixels, into `tmpDir`: one pass over the images in
 * Image_Index order, each decoded once, pixels to the train or test tensor cache, the original
 * bytes to the train zip (re-encoded when they needed a conversion, so the download and the
 * cache always agree); then the test zip re-encoded from the test cache in Image_Id order, the
 * caches' metadata and the train labels.
 */
export async function writeBuildImages(options: {
  tmpDir: string;
  source: ImageSource;
  rows: AttributeRow[];
  split: DatasetSplit;
  concurrency: number;
  decoder: Decoder;
  pool: PngWorkerPool;
  timer: StageTimer;
  progress: (stage: ImageStage, done: number, total: number) => void;
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
  const trainCsv = formatLabelsCsv(split.train.map((i) => rowByIndex.get(i)!));

  const trainCache = tensorCachePaths(paths.cacheDir, "train");
  const testCache = tensorCachePaths(paths.cacheDir, "test");
  const problems: DatasetProblem[] = [];
  const conversions: string[] = [];
  const trainPixels = await createTensorCacheWriter(trainCache.pixels, split.train.length);
  const testPixels = await createTensorCacheWriter(testCache.pixels, split.test.length);
  const trainZip = await createZipWriter(paths.trainZip);
  const abortAll = () => Promise.all([trainPixels.abort(), testPixels.abort(), trainZip.abort()]);
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
      await abortAll();
      return { problems, warnings: [], trainZip: { sizeBytes: 0, sha256: "" }, testZip: { sizeBytes: 0, sha256: "" } };
    }
    await trainPixels.close();
    await testPixels.close();
  } catch (err) {
    await abortAll();
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

  const image = { height: IMAGE_HEIGHT, width: IMAGE_WIDTH, channels: IMAGE_CHANNELS };
  const trainMeta: TrainCacheMeta = { count: split.train.length, ...image, indices: split.train };
  const testMeta: TestCacheMeta = { count: ids.length, ...image, ids };
  await writeDurableFile(trainCache.meta, JSON.stringify(trainMeta));
  await writeDurableFile(testCache.meta, JSON.stringify(testMeta));
  await writeDurableFile(trainLabelsPath(paths.cacheDir), trainCsv);

  const warnings =
    conversions.length > 0
      ? [`${conversions.length} image(s) were not 8-bit RGB and were converted (alpha dropped, grey replicated): ${listNames(conversions)}`]
      : [];
  return {
    problems: [],
    warnings,
    trainZip: { sizeBytes: trainZipResult.sizeBytes, sha256: trainZipResult.sha256 },
    testZip: { sizeBytes: testZipResult.sizeBytes, sha256: testZipResult.sha256 },
  };
}
