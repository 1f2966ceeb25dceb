import path from "node:path";
import type { LabelRow } from "../challenge/definition";
import { DatasetError } from "../dataset/dataset-error";
import { buildPaths, tensorCachePaths } from "../dataset/layout";
import { readTensorCacheMeta } from "../dataset/load-tensor-cache";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import { readTrainLabels } from "../dataset/read-train-labels";

/**
 * What the explorer knows about the train split of one build: the label rows in train.u8
 * order and where each Image_Index sits in that file. Only the train cache is read; the test
 * cache and hidden/ are never touched, so nothing here can reach a test image or label.
 */
export interface TrainCatalogue {
  buildId: string;
  /** cache/train.u8 of this build. */
  pixelsPath: string;
  /** Train rows, position i = image i of train.u8. */
  rows: LabelRow[];
  /** Position in train.u8 of a train Image_Index, or undefined (test images and gaps included). */
  positionOf(imageIndex: number): number | undefined;
}

// One build at a time in memory (~10 MB of label rows for the real 107,787 train images);
// a new build replaces it. Kept on globalThis so dev-mode module reloads do not pile up copies.
declare global {
  var __tinyPortraitsCatalogue: { buildDir: string; catalogue: Promise<TrainCatalogue> } | undefined;
}

/** The current build's train catalogue, or null when nothing is prepared. Cached per build. */
export async function loadTrainCatalogue(options: { dataDir: string }): Promise<TrainCatalogue | null> {
  const dataset = await readPreparedDataset(options.dataDir);
  if (!dataset) return null;
  const cached = globalThis.__tinyPortraitsCatalogue;
  if (cached?.buildDir === dataset.buildDir) return cached.catalogue;
  const catalogue = readCatalogue(dataset.buildDir, dataset.buildId);
  globalThis.__tinyPortraitsCatalogue = { buildDir: dataset.buildDir, catalogue };
  // A failed read must not stay cached.
  catalogue.catch(() => {
    if (globalThis.__tinyPortraitsCatalogue?.catalogue === catalogue) globalThis.__tinyPortraitsCatalogue = undefined;
  });
  return catalogue;
}

async function readCatalogue(buildDir: string, buildId: string): Promise<TrainCatalogue> {
  const cacheDir = buildPaths(buildDir).cacheDir;
  const [meta, rows] = await Promise.all([readTensorCacheMeta(cacheDir, "train"), readTrainLabels(cacheDir)]);
  if (rows.length !== meta.count || rows.some((r, i) => r.Image_Index !== meta.indices[i])) {
    throw new DatasetError("corrupt-build", `${path.join(cacheDir, "train-labels.csv")} does not match train.json`);
  }
  const positions = new Map<number, number>();
  meta.indices.forEach((index, position) => positions.set(index, position));
  return {
    buildId,
    pixelsPath: tensorCachePaths(cacheDir, "train").pixels,
    rows,
    positionOf: (imageIndex) => positions.get(imageIndex),
  };
}
