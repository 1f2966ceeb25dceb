import { decodePortraits, type DecodedPortrait } from "./decode-portrait";
import type { ImageSource } from "./image-source";
import type { PngWorkerPool } from "./png-worker-pool";
import { runOrdered } from "./run-ordered";

export interface SourceImage {
  index: number;
  /** The file's bytes as read (empty when it could not be read). */
  bytes: Buffer;
  result: DecodedPortrait;
}

/** Images per batch: one worker message each (a round trip costs about one decode). */
export const DECODE_BATCH = 32;

/**
 * Reads and decodes the given images and hands them to `onImage` strictly in the order of
 * `indices`, with `batchesInFlight` batches of DECODE_BATCH images being read/decoded ahead.
 * Memory stays bounded (batchesInFlight x DECODE_BATCH images) whatever the dataset size.
 * `decoder` is the worker pool (fast decoder, sharp as fallback) or "sharp" for everything.
 */
export async function forEachDecodedImage(options: {
  source: ImageSource;
  indices: readonly number[];
  decoder: "sharp" | PngWorkerPool;
  batchesInFlight: number;
  onImage: (image: SourceImage, position: number) => Promise<void> | void;
}): Promise<void> {
  const { source, indices, decoder, batchesInFlight, onImage } = options;
  const batches = Math.ceil(indices.length / DECODE_BATCH);
  await runOrdered(
    batches,
    batchesInFlight,
    async (b): Promise<SourceImage[] | Error> => {
      try {
        const slice = indices.slice(b * DECODE_BATCH, (b + 1) * DECODE_BATCH);
        const read = await Promise.all(
          slice.map((index) =>
            source.readImage(index).then(
              (bytes) => ({ bytes, error: undefined }),
              (error: Error) => ({ bytes: Buffer.alloc(0), error }),
            ),
          ),
        );
        const readable = read.map((r, k) => k).filter((k) => !read[k].error);
        const decoded = await decodePortraits(
          readable.map((k) => read[k].bytes),
          decoder === "sharp" ? { sharpOnly: true } : { pool: decoder },
        );
        const results: DecodedPortrait[] = read.map((r) => ({
          ok: false,
          code: "corrupt-image",
          detail: `cannot be read (${r.error?.message})`,
        }));
        readable.forEach((k, j) => (results[k] = decoded[j]));
        return slice.map((index, k) => ({ index, bytes: read[k].bytes, result: results[k] }));
      } catch (err) {
        return err as Error; // runOrdered's producers must not reject
      }
    },
    async (batch, b) => {
      if (batch instanceof Error) throw batch;
      for (let k = 0; k < batch.length; k++) await onImage(batch[k], b * DECODE_BATCH + k);
    },
  );
}
