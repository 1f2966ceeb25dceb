import fs from "node:fs/promises";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { TEST_IMAGES_DIR_NAME } from "./layout";
import { createPngWorkerPool, type PngWorkerPool } from "./png-worker-pool";
import { runOrdered } from "./run-ordered";
import { createZipWriter } from "../zip/create-zip-writer";

/** Images per read + worker message. */
const BATCH = 32;

/**
 * Builds Tiny_Portraits_Test.zip from the test tensor cache: entry i is
 * `Tiny_Portraits_Test/<ids[i]>.png`, re-encoded from the decoded pixels (no byte or
 * metadata of the source file survives) and in Image_Id order (the entry order says nothing
 * about Image_Index). Reading from the cache, which is already in Image_Id order, is what
 * lets the main pass read the source once in Image_Index order.
 */
export async function writeTestZip(options: {
  testPixelsPath: string;
  ids: readonly string[];
  zipPath: string;
  /** Batches in flight. */
  concurrency: number;
  /** Encode on these worker threads (without: on the main thread; same bytes either way). */
  pool?: PngWorkerPool;
  onProgress?: (done: number, total: number) => void;
}): Promise<{ sizeBytes: number; sha256: string }> {
  const { testPixelsPath, ids, zipPath, concurrency, onProgress } = options;
  const pool = options.pool ?? createPngWorkerPool(0);
  const pixelsFile = await fs.open(testPixelsPath, "r");
  const zip = await createZipWriter(zipPath);
  const batches = Math.ceil(ids.length / BATCH);
  try {
    await runOrdered(
      batches,
      concurrency,
      async (b) => {
        const count = Math.min(BATCH, ids.length - b * BATCH);
        const pixels = Buffer.allocUnsafe(count * IMAGE_BYTES);
        const { bytesRead } = await pixelsFile.read(pixels, 0, pixels.length, b * BATCH * IMAGE_BYTES);
        if (bytesRead !== pixels.length) return new Error(`test cache is truncated at image ${b * BATCH}`);
        return pool.encodeMany(pixels, count, IMAGE_WIDTH, IMAGE_HEIGHT).catch((err: Error) => err);
      },
      async (pngs, b) => {
        if (pngs instanceof Error) throw pngs;
        for (let k = 0; k < pngs.length; k++) await zip.add(`${TEST_IMAGES_DIR_NAME}/${ids[b * BATCH + k]}.png`, pngs[k]);
        onProgress?.(b * BATCH + pngs.length, ids.length);
      },
    );
    return await zip.finish();
  } catch (err) {
    await zip.abort();
    throw err;
  } finally {
    await pixelsFile.close();
    if (!options.pool) await pool.close();
  }
}
