import type { DatasetProblem } from "./dataset-error";
import type { DecodedPortrait } from "./decode-portrait";
import { forEachDecodedImage } from "./decode-source-images";
import type { ImageSource } from "./image-source";
import type { PngWorkerPool } from "./png-worker-pool";

/** The problem a failed decode is reported as (it names the image and its CSV line). */
export type ProblemOf = (index: number, result: Extract<DecodedPortrait, { ok: false }>) => DatasetProblem;
/** "sharp" (tests), or the worker pool that runs the fast decoder. */
export type Decoder = "sharp" | PngWorkerPool;

/**
 * Decodes the given images only to find the broken ones: a strict prepare that already has
 * problems still checks every image it can, so one run lists every problem at once.
 */
export async function findImageProblems(options: {
  source: ImageSource;
  indices: number[];
  batchesInFlight: number;
  decoder: Decoder;
  problemOf: ProblemOf;
  onProgress: (done: number, total: number) => void;
}): Promise<DatasetProblem[]> {
  const { indices, onProgress, problemOf } = options;
  const problems: DatasetProblem[] = [];
  await forEachDecodedImage({
    source: options.source,
    indices,
    decoder: options.decoder,
    batchesInFlight: options.batchesInFlight,
    onImage: ({ index, result }, i) => {
      if (!result.ok) problems.push(problemOf(index, result));
      if (i % 256 === 255 || i === indices.length - 1) onProgress(i + 1, indices.length);
    },
  });
  return problems;
}
