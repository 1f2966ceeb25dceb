import fs from "node:fs";
import * as ort from "onnxruntime-node";
import { IMAGE_BYTES } from "../challenge/definition";
import type { FeatureNetworkBundle } from "./feature-network-bundle";

/** Images per onnxruntime run: 256 x 27 KB of float input is 28 MB, and the per-run overhead is amortised. */
const FEATURE_BATCH = 256;

export interface FeatureExtractor {
  dimensions: number;
  /** Features of `count` images read from a uint8 tensor file (N x 108 x 84 x 3, HWC), as [count, D] float32. */
  extractFile(file: string, count: number, onProgress?: (done: number) => void): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * The organizer's feature network in onnxruntime-node, in this process (it is the organizer's
 * trusted model; participants' models run in the sandbox). Reads the image file a batch at a
 * time, so memory is one batch of floats plus the [N, D] result (10,000 x 64 x 4 = 2.6 MB).
 */
export async function createFeatureExtractor(options: { bundle: FeatureNetworkBundle; threads?: number }): Promise<FeatureExtractor> {
  const { model, description } = options.bundle;
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: options.threads ?? 2,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
  });
  const { scale, mean, std } = description.input;
  const dims = description.dimensions;
  const pixels = new Uint8Array(FEATURE_BATCH * IMAGE_BYTES);
  const x = new Float32Array(FEATURE_BATCH * IMAGE_BYTES);
  return {
    dimensions: dims,
    async extractFile(file, count, onProgress) {
      const size = fs.statSync(file).size;
      if (size < count * IMAGE_BYTES) throw new Error(`${file} holds ${Math.floor(size / IMAGE_BYTES)} images, not ${count}`);
      const out = new Float32Array(count * dims);
      const fd = fs.openSync(file, "r");
      try {
        for (let start = 0; start < count; start += FEATURE_BATCH) {
          const n = Math.min(FEATURE_BATCH, count - start);
          fs.readSync(fd, pixels, 0, n * IMAGE_BYTES, start * IMAGE_BYTES);
          for (let i = 0; i < n * IMAGE_BYTES; i += 3) {
            x[i] = (pixels[i] * scale - mean[0]) / std[0];
            x[i + 1] = (pixels[i + 1] * scale - mean[1]) / std[1];
            x[i + 2] = (pixels[i + 2] * scale - mean[2]) / std[2];
          }
          const feeds = { [description.input.name]: new ort.Tensor("float32", x.subarray(0, n * IMAGE_BYTES), [n, 108, 84, 3]) };
          const result = await session.run(feeds, [description.output]);
          const t = result[description.output];
          if (!(t.data instanceof Float32Array) || t.data.length !== n * dims)
            throw new Error(`the feature network returned ${t.dims.join("x")} for ${n} images; expected ${n}x${dims}`);
          out.set(t.data, start * dims);
          t.dispose();
          onProgress?.(start + n);
        }
      } finally {
        fs.closeSync(fd);
      }
      return out;
    },
    close: () => session.release(),
  };
}
