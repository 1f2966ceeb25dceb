import fs from "node:fs/promises";
import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { DatasetError } from "./dataset-error";
import { testCacheMetaSchema, trainCacheMetaSchema, type TestCacheMeta, type TrainCacheMeta } from "./dataset-manifest";
import { tensorCachePaths, type TensorCacheName } from "./layout";

/**
 * Readers of the uint8 tensor caches (cache/train.u8, cache/test.u8): N x 108 x 84 x 3, HWC,
 * RGB, row-major; image i occupies bytes [i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES).
 * Train rows are in Image_Index order (meta.indices), test rows in Image_Id order (meta.ids).
 * These functions touch only `${name}.u8` and `${name}.json`, so the model sandbox can use
 * them with read access to cache/test.* alone.
 */

export type TensorCacheMeta<N extends TensorCacheName> = N extends "train" ? TrainCacheMeta : TestCacheMeta;

export interface TensorCache<N extends TensorCacheName> {
  meta: TensorCacheMeta<N>;
  /** count * IMAGE_BYTES bytes. */
  pixels: Uint8Array;
}

/** The cache's meta file, validated against the pixel file's size. */
export async function readTensorCacheMeta<N extends TensorCacheName>(cacheDir: string, name: N): Promise<TensorCacheMeta<N>> {
  const paths = tensorCachePaths(cacheDir, name);
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(paths.meta, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new DatasetError("no-dataset", `no ${name} tensor cache in ${cacheDir}`);
    }
    throw new DatasetError("corrupt-build", `${paths.meta} cannot be read: ${(err as Error).message}`);
  }
  const schema = name === "train" ? trainCacheMetaSchema : testCacheMetaSchema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DatasetError("corrupt-build", `${paths.meta} is not a valid ${name} cache description`);
  const meta = parsed.data as TensorCacheMeta<N>;
  const rows = "indices" in meta ? meta.indices.length : meta.ids.length;
  if (meta.height !== IMAGE_HEIGHT || meta.width !== IMAGE_WIDTH || meta.channels !== IMAGE_CHANNELS || rows !== meta.count) {
    throw new DatasetError(
      "corrupt-build",
      `${paths.meta} does not describe ${meta.count} images of ${IMAGE_WIDTH}x${IMAGE_HEIGHT}x${IMAGE_CHANNELS}`,
    );
  }
  const { size } = await fs.stat(paths.pixels).catch(() => ({ size: -1 }));
  if (size !== meta.count * IMAGE_BYTES) {
    throw new DatasetError("corrupt-build", `${paths.pixels} has ${size} bytes, expected ${meta.count * IMAGE_BYTES}`);
  }
  return meta;
}

/** Largest single read: read(2) transfers at most ~2 GiB per call on Linux. */
const MAX_READ = 1 << 30;
/** Parallel reads: libuv's default thread pool has 4 threads; the page-cache copies overlap. */
const READ_PARTS = 4;

/**
 * Loads a whole cache into memory: one buffer, filled by a few large reads running in
 * parallel (fs.readFile refuses files over 2 GiB, and the real train cache is 2.9 GB).
 *
 * For the real test cache (26,947 images, 733 MB) the reads take ~0.5 s from the page cache
 * on the 2-core VM; touching 733 MB of fresh memory (the kernel's page faults) costs as much
 * again, more under load. A long-lived process that loads repeatedly can pass `into` (a
 * buffer of at least count x IMAGE_BYTES from an earlier load) to skip those page faults; a
 * process that only iterates should use readTensorCacheBatches with `reuseBuffer`.
 */
export async function loadTensorCache<N extends TensorCacheName>(
  cacheDir: string,
  name: N,
  options: { into?: Uint8Array } = {},
): Promise<TensorCache<N>> {
  const meta = await readTensorCacheMeta(cacheDir, name);
  const total = meta.count * IMAGE_BYTES;
  const pixels =
    options.into && options.into.length >= total
      ? options.into.subarray(0, total)
      : // allocUnsafeSlow: no zero-fill of memory that is overwritten at once, and never pooled.
        new Uint8Array(Buffer.allocUnsafeSlow(total).buffer, 0, total);
  const file = await fs.open(tensorCachePaths(cacheDir, name).pixels, "r");
  try {
    const part = Math.ceil(total / READ_PARTS / (1 << 20)) * (1 << 20);
    await Promise.all(
      Array.from({ length: READ_PARTS }, async (_, i) => {
        let offset = i * part;
        const end = Math.min(total, offset + part);
        while (offset < end) {
          const { bytesRead } = await file.read(pixels, offset, Math.min(MAX_READ, end - offset), offset);
          if (bytesRead === 0) throw new DatasetError("corrupt-build", `${name}.u8 ended early at byte ${offset}`);
          offset += bytesRead;
        }
      }),
    );
  } finally {
    await file.close();
  }
  return { meta, pixels };
}

export interface TensorBatch {
  /** Position of the batch's first image in the cache. */
  start: number;
  count: number;
  /** count * IMAGE_BYTES bytes: a fresh buffer per batch (safe to keep or transfer), or with
   * `reuseBuffer` the same one every time (valid until the next batch is requested). */
  pixels: Uint8Array;
}

/**
 * Iterates a cache in batches without loading it all (training on the 2.9 GB train cache, or
 * scoring in constant memory). `start`/`end` select a range of images.
 */
export async function* readTensorCacheBatches(
  cacheDir: string,
  name: TensorCacheName,
  options: { batchSize?: number; start?: number; end?: number; reuseBuffer?: boolean } = {},
): AsyncGenerator<TensorBatch> {
  const meta = await readTensorCacheMeta(cacheDir, name);
  const batchSize = Math.max(1, options.batchSize ?? 256);
  const start = Math.max(0, options.start ?? 0);
  const end = Math.min(meta.count, options.end ?? meta.count);
  const file = await fs.open(tensorCachePaths(cacheDir, name).pixels, "r");
  const shared = options.reuseBuffer ? new Uint8Array(batchSize * IMAGE_BYTES) : undefined;
  try {
    for (let first = start; first < end; first += batchSize) {
      const count = Math.min(batchSize, end - first);
      const pixels = shared ? shared.subarray(0, count * IMAGE_BYTES) : new Uint8Array(count * IMAGE_BYTES);
      const { bytesRead } = await file.read(pixels, 0, pixels.length, first * IMAGE_BYTES);
      if (bytesRead !== pixels.length) throw new DatasetError("corrupt-build", `${name}.u8 ended early at image ${first}`);
      yield { start: first, count, pixels };
    }
  } finally {
    await file.close();
  }
}
