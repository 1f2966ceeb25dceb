import "server-only";
import { env } from "../env";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import { buildPaths, tensorCachePaths } from "../dataset/layout";
import { renderMosaic } from "../mosaic/render-mosaic";

let cache: { buildId: string; image: Buffer } | undefined;

/** The mosaic image (WebP) of the current prepared dataset, rendered once per build and kept in memory. */
export async function getMosaicImage(): Promise<{ buildId: string; image: Buffer } | null> {
  const dataset = await readPreparedDataset(env().dataDir);
  if (!dataset) return null;
  if (cache?.buildId === dataset.buildId) return cache;
  const { pixels } = tensorCachePaths(buildPaths(dataset.buildDir).cacheDir, "train");
  const image = await renderMosaic({ trainCachePath: pixels, count: dataset.counts.train, key: dataset.buildId });
  cache = { buildId: dataset.buildId, image };
  return cache;
}
