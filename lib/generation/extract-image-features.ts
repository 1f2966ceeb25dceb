import fs from "node:fs";
import * as ort from "onnxruntime-node";
import { ATTRIBUTES, CLASSES, IMAGE_BYTES } from "../challenge/definition";
import type { FeatureNetworkBundle } from "./feature-network-bundle";

/** Images per onnxruntime run: 256 x 27 KB of float input is 28 MB, and the per-run overhead is amortised. */
const FEATURE_BATCH = 256;

export interface FeatureExtractor {
  dimensions: number;
  /**
   * Why the network's attribute heads cannot be used (attribute fidelity is then unavailable),
   * or undefined when they can.
   */
  headsUnavailable?: string;
  /** Features of `count` images read from a uint8 tensor file (N x 108 x 84 x 3, HWC), as [count, D] float32. */
  extractFile(file: string, count: number, onProgress?: (done: number) => void): Promise<Float32Array>;
  /**
   * The same features plus, when the heads are usable, the attribute classifier's predicted class
   * per image and attribute ([count, 3], canonical class order of lib/challenge/definition.ts).
   */
  extractFileWithClasses(file: string, count: number): Promise<{ features: Float32Array; classes?: Uint8Array }>;
  close(): Promise<void>;
}

interface Head {
  output: string;
  /** Canonical class index of each of the output's columns. */
  canonical: number[];
}

/**
 * The organizer's feature network in onnxruntime-node, in this process (it is the organizer's
 * trusted model; participants' models run in the sandbox). Reads the image file a batch at a
 * time, so memory is one batch of floats plus the [N, D] result (10,000 x 64 x 4 = 2.6 MB).
 *
 * The attribute heads come from the description's `heads`; a bundle written before that field
 * existed still has them when its outputs are named after the attributes (the cnn baseline's
 * inference graph always kept them, classes in canonical order). Anything else: no heads.
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
  const found = resolveHeads(options.bundle, session.outputNames);
  const heads = typeof found === "string" ? undefined : found;
  const pixels = new Uint8Array(FEATURE_BATCH * IMAGE_BYTES);
  const x = new Float32Array(FEATURE_BATCH * IMAGE_BYTES);

  const extract = async (file: string, count: number, withClasses: boolean, onProgress?: (done: number) => void) => {
    const size = fs.statSync(file).size;
    if (size < count * IMAGE_BYTES) throw new Error(`${file} holds ${Math.floor(size / IMAGE_BYTES)} images, not ${count}`);
    const out = new Float32Array(count * dims);
    const classes = withClasses && heads ? new Uint8Array(count * ATTRIBUTES.length) : undefined;
    const fetches = [description.output, ...(classes && heads ? heads.map((h) => h.output) : [])];
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
        const result = await session.run(feeds, fetches);
        const t = result[description.output];
        if (!(t.data instanceof Float32Array) || t.data.length !== n * dims)
          throw new Error(`the feature network returned ${t.dims.join("x")} for ${n} images; expected ${n}x${dims}`);
        out.set(t.data, start * dims);
        if (classes && heads) heads.forEach((head, a) => argmaxInto(result[head.output], head, n, a, classes.subarray(start * 3)));
        for (const r of Object.values(result)) r.dispose();
        onProgress?.(start + n);
      }
    } finally {
      fs.closeSync(fd);
    }
    return { features: out, classes };
  };

  return {
    dimensions: dims,
    headsUnavailable: typeof found === "string" ? found : undefined,
    extractFile: async (file, count, onProgress) => (await extract(file, count, false, onProgress)).features,
    extractFileWithClasses: (file, count) => extract(file, count, true),
    close: () => session.release(),
  };
}

/** The heads in ATTRIBUTES order, or why there are none. */
function resolveHeads(bundle: FeatureNetworkBundle, outputNames: readonly string[]): Head[] | string {
  const declared = bundle.description.heads;
  const heads: Head[] = [];
  for (const attr of ATTRIBUTES) {
    const canonical = CLASSES[attr] as readonly string[];
    const d = declared?.[attr];
    const output = d?.output ?? attr;
    if (!outputNames.includes(output))
      return declared
        ? `the feature network declares a ${attr} head "${output}" that its model does not output`
        : "the feature network has no attribute heads (an older bundle): retrain it with npm run generation -- train-features";
    const classes = d?.classes ?? canonical;
    const index = classes.map((c) => canonical.indexOf(c));
    if (index.some((i) => i < 0) || new Set(index).size !== canonical.length || index.length !== canonical.length)
      return `the feature network's ${attr} head has classes ${classes.join(", ")}; expected each of ${canonical.join(", ")} once`;
    heads.push({ output, canonical: index });
  }
  return heads;
}

function argmaxInto(t: ort.Tensor | undefined, head: Head, n: number, attribute: number, out: Uint8Array): void {
  const k = head.canonical.length;
  if (!t || !(t.data instanceof Float32Array) || t.data.length !== n * k)
    throw new Error(
      `the feature network's head "${head.output}" returned ${t?.dims.join("x") ?? "nothing"} for ${n} images; expected ${n}x${k}`,
    );
  const data = t.data;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (data[i * k + c] > data[i * k + best]) best = c;
    out[i * ATTRIBUTES.length + attribute] = head.canonical[best];
  }
}
