import fs from "node:fs/promises";
import { IMAGE_BYTES } from "../challenge/definition";
import { DatasetError } from "../dataset/dataset-error";
import { readTensorCacheMeta } from "../dataset/load-tensor-cache";
import { tensorCachePaths } from "../dataset/layout";

/**
 * Random access to the images of the train tensor cache (cache/train.u8) without loading it:
 * each request reads just the rows asked for, one positional read per image, all in flight at
 * once. Training asks for one shuffled batch at a time, so memory stays at a batch or two
 * (~27 KB per image) whatever the dataset's size: the real train cache is 2.9 GB for 107,787
 * images, the synthetic default 435 MB. The operating system's page cache keeps the hot file
 * in memory when there is room, and costs nothing when there is not.
 */
export interface TrainImageReader {
  /** Images in the cache. */
  count: number;
  /** The images at `rows` (cache positions), in that order: rows.length * IMAGE_BYTES bytes. */
  read(rows: ArrayLike<number>, into?: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function openTrainImageReader(options: { cacheDir: string }): Promise<TrainImageReader> {
  const meta = await readTensorCacheMeta(options.cacheDir, "train");
  const file = await fs.open(tensorCachePaths(options.cacheDir, "train").pixels, "r");
  return {
    count: meta.count,
    async read(rows, into) {
      const out =
        into && into.length >= rows.length * IMAGE_BYTES
          ? into.subarray(0, rows.length * IMAGE_BYTES)
          : new Uint8Array(rows.length * IMAGE_BYTES);
      const reads: Promise<void>[] = [];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (!(row >= 0 && row < meta.count)) throw new RangeError(`train image ${row} is outside 0..${meta.count - 1}`);
        reads.push(
          file.read(out, i * IMAGE_BYTES, IMAGE_BYTES, row * IMAGE_BYTES).then(({ bytesRead }) => {
            if (bytesRead !== IMAGE_BYTES) throw new DatasetError("corrupt-build", `train.u8 ended early at image ${row}`);
          }),
        );
      }
      await Promise.all(reads);
      return out;
    },
    close: () => file.close(),
  };
}
