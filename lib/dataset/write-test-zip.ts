import fs from "node:fs/promises";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { encodeRgbPng } from "./encode-rgb-png";
import { TEST_IMAGES_DIR_NAME } from "./layout";
import { runOrdered } from "./run-ordered";
import { createZipWriter } from "./zip-writer";

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
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<{ sizeBytes: number; sha256: string }> {
  const { testPixelsPath, ids, zipPath, concurrency, onProgress } = options;
  const pixelsFile = await fs.open(testPixelsPath, "r");
  const zip = await createZipWriter(zipPath);
  try {
    await runOrdered(
      ids.length,
      concurrency,
      async (i) => {
        const pixels = Buffer.allocUnsafe(IMAGE_BYTES);
        const { bytesRead } = await pixelsFile.read(pixels, 0, IMAGE_BYTES, i * IMAGE_BYTES);
        if (bytesRead !== IMAGE_BYTES) return new Error(`test cache is truncated at image ${i}`);
        return encodeRgbPng(pixels, IMAGE_WIDTH, IMAGE_HEIGHT).catch((err: Error) => err);
      },
      async (png, i) => {
        if (png instanceof Error) throw png;
        await zip.add(`${TEST_IMAGES_DIR_NAME}/${ids[i]}.png`, png);
        if (onProgress && (i % 256 === 255 || i === ids.length - 1)) onProgress(i + 1, ids.length);
      },
    );
    return await zip.finish();
  } catch (err) {
    await zip.abort();
    throw err;
  } finally {
    await pixelsFile.close();
  }
}
