/**
 * Generates the built-in synthetic Tiny Portraits dataset in exactly the real format: the
 * attributes CSV plus either a folder of PNGs or the numbered zip archives.
 *
 * Labels and Image_Index values are drawn up front in this thread (cheap, a few bytes per
 * image); pixels are rendered in contiguous chunks on worker threads and written here in order.
 * At most a few chunks are in flight or waiting to be written, so memory stays flat whatever
 * the count. The same seed and count give a byte-identical CSV and identical images (and zips)
 * whatever the number of workers: every image draws from its own random stream.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ATTRIBUTES_CSV_NAME, IMAGES_DIR_NAME, ZIPS_DIR_NAME } from "../../challenge/definition";
import { SYNTHETIC_MARKER_FILE } from "../layout";
import { sampleLabels } from "./sample-labels";
import { sampleImageIndices } from "./sample-image-indices";
import { writeAttributesCsv } from "./write-attributes-csv";
import { writeImageFiles } from "./write-folder";
import { ZipSeriesWriter } from "./write-zips";
import { createRenderPool, type RenderMode } from "./render-pool";
import type { ChunkResult } from "./render-chunk";

export interface GenerateSyntheticOptions {
  outDir: string;
  count: number;
  seed?: number;
  layout: "folder" | "zips";
  /** Render threads; default: available cores. 0 renders in the calling thread. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateSyntheticResult {
  count: number;
  csvPath: string;
  /** Folder layout: every PNG path in Image_Index order. */
  imagePaths?: string[];
  /** Zip layout: every archive path in order. */
  zipPaths?: string[];
  /** Which rendering path ran, and with how many threads. */
  renderer: { mode: RenderMode; workers: number; fallbackReason?: string };
  seconds: number;
}

/** Images per chunk: big enough to amortise messaging, small enough to keep memory flat. */
const CHUNK = 128;

export async function generateSynthetic(options: GenerateSyntheticOptions): Promise<GenerateSyntheticResult> {
  const { outDir, count, seed = 1, layout, onProgress } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer in 0..2^32-1, got ${seed}`);
  const started = performance.now();
  const workers = options.workers ?? Math.max(1, Math.min(os.availableParallelism(), 16));

  await fs.mkdir(outDir, { recursive: true });
  const labels = sampleLabels({ count, seed });
  const indices = sampleImageIndices({ count, seed });
  const csvPath = path.join(outDir, ATTRIBUTES_CSV_NAME);
  await writeAttributesCsv({ path: csvPath, indices, labels });

  const imagesDir = path.join(outDir, layout === "folder" ? IMAGES_DIR_NAME : ZIPS_DIR_NAME);
  await fs.mkdir(imagesDir, { recursive: true });
  const zips = layout === "zips" ? new ZipSeriesWriter(imagesDir) : undefined;
  const imagePaths: string[] = [];

  const pool = await createRenderPool({ workers: Math.min(workers, Math.ceil(count / CHUNK)) });
  try {
    const chunks = Math.ceil(count / CHUNK);
    // Keep every worker busy with one chunk queued behind the one it is rendering.
    const window = Math.max(2, pool.workers * 2);
    const inFlight = new Map<number, Promise<ChunkResult>>();
    const submit = (k: number) => {
      const start = k * CHUNK;
      const end = Math.min(count, start + CHUNK);
      const p = pool.render({
        seed,
        start,
        gender: labels.gender.slice(start, end),
        color: labels.color.slice(start, end),
        type: labels.type.slice(start, end),
      });
      p.catch(() => {}); // observed when awaited below, in order
      inFlight.set(k, p);
    };
    let next = 0;
    for (; next < Math.min(chunks, window); next++) submit(next);
    for (let k = 0; k < chunks; k++) {
      const result = await inFlight.get(k)!;
      inFlight.delete(k);
      if (next < chunks) submit(next++);
      const n = result.offsets.length - 1;
      const images = [];
      for (let i = 0; i < n; i++)
        images.push({ index: indices[result.start + i], data: result.data.subarray(result.offsets[i], result.offsets[i + 1]) });
      if (zips) for (const im of images) await zips.add(im.index, im.data);
      else imagePaths.push(...(await writeImageFiles({ dir: imagesDir, images })));
      onProgress?.(result.start + n, count);
    }
  } catch (e) {
    await zips?.abort();
    throw e;
  } finally {
    await pool.close();
  }
  const zipPaths = zips ? await zips.close() : undefined;
  // Written last, so a half-written folder is never taken for a complete synthetic dataset;
  // prepare reads it to label the dataset "synthetic" on the site.
  await fs.writeFile(
    path.join(outDir, SYNTHETIC_MARKER_FILE),
    JSON.stringify({ generator: "tiny-portraits-synthetic", version: 1, seed, count }) + "\n",
  );

  return {
    count,
    csvPath,
    ...(zips ? { zipPaths } : { imagePaths }),
    renderer: { mode: pool.mode, workers: pool.workers, fallbackReason: pool.fallbackReason },
    seconds: (performance.now() - started) / 1000,
  };
}
