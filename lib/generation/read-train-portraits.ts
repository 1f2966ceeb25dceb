import fs from "node:fs/promises";
import { IMAGE_BYTES } from "../challenge/definition";
import { buildPaths, tensorCachePaths } from "../dataset/layout";
import { readTensorCacheMeta } from "../dataset/load-tensor-cache";
import { AppError } from "../errors/app-error";

/**
 * Rows of a build's TRAIN tensor cache (cache/train.u8, the rows the scorer's nearest-train
 * indices refer to), one after another. Only the train cache is ever opened here: this is what
 * the gallery shows beside generated samples, and a test image must never reach a page. A row
 * outside the cache is refused ("not-found"), never clamped.
 */
export async function readTrainPortraits(options: { buildDir: string; rows: readonly number[] }): Promise<Uint8Array> {
  const cacheDir = buildPaths(options.buildDir).cacheDir;
  const meta = await readTensorCacheMeta(cacheDir, "train");
  const out = new Uint8Array(options.rows.length * IMAGE_BYTES);
  const handle = await fs.open(tensorCachePaths(cacheDir, "train").pixels, "r");
  try {
    for (const [k, row] of options.rows.entries()) {
      if (!Number.isInteger(row) || row < 0 || row >= meta.count)
        throw new AppError("not-found", {
          user: "These training portraits are not in the current dataset build.",
          internal: `train row ${row} is outside the cache (0..${meta.count - 1})`,
        });
      await handle.read(out, k * IMAGE_BYTES, IMAGE_BYTES, row * IMAGE_BYTES);
    }
  } finally {
    await handle.close();
  }
  return out;
}
