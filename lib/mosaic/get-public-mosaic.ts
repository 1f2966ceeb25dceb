import type { Db } from "../db/client";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import { buildPaths, tensorCachePaths } from "../dataset/layout";
import { AppError } from "../errors/app-error";
import { assertTermsAccepted } from "../terms/assert-terms-accepted";
import { getTermsStatus } from "../terms/get-terms-status";
import { renderMosaic } from "./render-mosaic";
import { renderSyntheticMosaic, SYNTHETIC_MOSAIC_SEED } from "./render-synthetic-mosaic";

/**
 * What the challenge page's sample mosaic shows (env PUBLIC_MOSAIC, the organizer's choice):
 * - `synthetic` (default): portraits drawn by the synthetic generator. On the built-in synthetic
 *   dataset those are its own training portraits; on the real dataset they are drawn fresh,
 *   never read from the real images, which the licence keeps behind the terms.
 * - `after-terms`: real training portraits, only for signed-in users who accepted the current terms.
 * - `off`: no mosaic.
 */
export type MosaicMode = "synthetic" | "after-terms" | "off";

export interface PublicMosaic {
  image: Buffer;
  etag: string;
  /** Whether shared caches may keep it (not when it is gated by the terms). */
  public: boolean;
}

const cache = new Map<string, Promise<Buffer>>();

function cached(key: string, render: () => Promise<Buffer>): Promise<Buffer> {
  let image = cache.get(key);
  if (!image) {
    image = render();
    image.catch(() => cache.delete(key));
    // One train mosaic per build and the synthetic one: a handful of entries at most.
    if (cache.size > 4) cache.clear();
    cache.set(key, image);
  }
  return image;
}

/** Whether `userId` (null: a visitor) gets a mosaic under `mode`; the page shows the image only then. */
export async function canSeeMosaic(options: { db: Db; mode: MosaicMode; userId: string | null }): Promise<boolean> {
  if (options.mode === "off") return false;
  if (options.mode === "synthetic") return true;
  if (!options.userId) return false;
  return (await getTermsStatus({ db: options.db, userId: options.userId })).acceptedCurrent;
}

/** The mosaic image (WebP) for this viewer, or an AppError (not-found, unauthorized, forbidden). */
export async function getPublicMosaic(options: {
  db: Db;
  dataDir: string;
  mode: MosaicMode;
  userId: string | null;
}): Promise<PublicMosaic> {
  const { mode } = options;
  const notFound = new AppError("not-found", { user: "There is no sample mosaic.", internal: `mosaic mode ${mode}` });
  if (mode === "off") throw notFound;
  const dataset = await readPreparedDataset(options.dataDir);
  if (!dataset) throw notFound;
  const train = () => {
    const { pixels } = tensorCachePaths(buildPaths(dataset.buildDir).cacheDir, "train");
    return cached(`train:${dataset.buildId}`, () =>
      renderMosaic({ trainCachePath: pixels, count: dataset.counts.train, key: dataset.buildId }),
    );
  };
  if (mode === "after-terms") {
    if (!options.userId) throw new AppError("unauthorized", { user: "Sign in and accept the dataset terms to see the sample portraits." });
    await assertTermsAccepted({ db: options.db, userId: options.userId });
    return { image: await train(), etag: `"${dataset.buildId}"`, public: false };
  }
  if (dataset.source.kind === "synthetic") return { image: await train(), etag: `"${dataset.buildId}"`, public: true };
  return { image: await cached("synthetic", () => renderSyntheticMosaic()), etag: `"synthetic-${SYNTHETIC_MOSAIC_SEED}"`, public: true };
}
