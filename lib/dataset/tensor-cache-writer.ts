import fs from "node:fs/promises";
import { IMAGE_BYTES } from "../challenge/definition";

/**
 * Writes a uint8 tensor cache file (N images of IMAGE_BYTES, HWC RGB) with images arriving
 * in any order: each image goes to its position. The file is sized up front, contiguous
 * runs (the train split arrives in order) are coalesced into 4 MB writes, and close()
 * checks every position was written so a gap can never pass as a black image.
 */
export interface TensorCacheWriter {
  write(position: number, pixels: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

const COALESCE_IMAGES = Math.floor((4 * 1024 * 1024) / IMAGE_BYTES);

export async function createTensorCacheWriter(filePath: string, count: number): Promise<TensorCacheWriter> {
  const file = await fs.open(filePath, "w");
  await file.truncate(count * IMAGE_BYTES);
  const written = new Uint8Array(count);
  let writtenCount = 0;
  // One run buffer, reused: the write is awaited before it is refilled (less garbage).
  const run = Buffer.allocUnsafe(COALESCE_IMAGES * IMAGE_BYTES);
  let runStart = -1;
  let runLength = 0;
  let closed = false;

  async function flush(): Promise<void> {
    if (runLength === 0) return;
    const data = run.subarray(0, runLength * IMAGE_BYTES);
    await file.write(data, 0, data.length, runStart * IMAGE_BYTES);
    runStart = -1;
    runLength = 0;
  }

  return {
    async write(position, pixels) {
      if (position < 0 || position >= count || pixels.length !== IMAGE_BYTES) {
        throw new Error(`bad tensor cache write at ${position} (${pixels.length} bytes)`);
      }
      if (written[position]) throw new Error(`tensor cache position ${position} written twice`);
      written[position] = 1;
      writtenCount++;
      if (runLength > 0 && position !== runStart + runLength) await flush();
      if (runLength === 0) runStart = position;
      run.set(pixels, runLength * IMAGE_BYTES);
      runLength++;
      if (runLength === COALESCE_IMAGES) await flush();
    },
    async close() {
      await flush();
      if (writtenCount !== count) throw new Error(`tensor cache ${filePath}: ${count - writtenCount} of ${count} images missing`);
      await file.sync();
      await file.close();
      closed = true;
    },
    async abort() {
      if (!closed) {
        closed = true;
        await file.close().catch(() => {});
      }
    },
  };
}
