import fs from "node:fs";
import path from "node:path";
import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import { checkGeneratorIo } from "@/lib/generation/check-generator-io";
import { drawGeneratorInputs } from "@/lib/generation/draw-generator-inputs";
import { CONDITION_SIZE, DEFAULT_GENERATOR_BATCH, GENERATOR_LATENT_SIZE, rangeToBytes } from "@/lib/generation/generator-manifest";
import { checkOnnxModel } from "@/lib/models/check-onnx-model";
import { SandboxError, sendToParent, toSandboxError } from "./child-io";
import { RESULT_FD, type GenerateConfig } from "./protocol";

type Ort = typeof import("onnxruntime-node");

/**
 * Generate mode of the sandbox child: loads the generator with onnxruntime (bytes read by Node
 * under the permission model and re-checked, as for classification models), feeds it the
 * platform's latents batch by batch and sends each batch of images to the parent as bytes:
 * a JSON header line, then n x 108 x 84 x 3 raw bytes. Shape and finiteness are checked here
 * (a NaN or infinity refuses the run: it would otherwise become some arbitrary pixel) and values
 * are clipped to the declared range, then rounded. Only one batch of floats and bytes is alive at
 * a time: 64 images are 7 MB of float32.
 */
export async function runGenerator(cfg: GenerateConfig): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort: Ort = require(cfg.ortModule);
  const { manifest } = cfg;
  const t0 = performance.now();
  const bytes = fs.readFileSync(path.join(cfg.bundleDir, manifest.model));
  const checked = checkOnnxModel({ bytes, manifest: null, limits: cfg.checkLimits, fileName: manifest.model });
  if (!checked.ok) throw new SandboxError("model-error", checked.errors.join("\n"));
  const io = checkGeneratorIo(checked.summary, manifest);
  if (io.errors.length || !io.outputName) throw new SandboxError("model-error", io.errors.join("\n"));
  const outputName = io.outputName;

  let session: import("onnxruntime-node").InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: cfg.threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      logSeverityLevel: 3,
    });
  } catch (e) {
    throw toSandboxError(e, "onnxruntime could not load the generator");
  }
  const batchSize = io.fixedBatch ?? manifest.batchSize ?? DEFAULT_GENERATOR_BATCH;
  sendToParent({ t: "ready", backend: "onnxruntime", loadSeconds: (performance.now() - t0) / 1000, batchSize });

  const t1 = performance.now();
  const { scale, offset, min, max } = rangeToBytes(manifest.output.range);
  const nchw = manifest.output.layout === "NCHW";
  const plane = IMAGE_HEIGHT * IMAGE_WIDTH;
  const out = new Uint8Array(batchSize * IMAGE_BYTES);
  for (let start = 0; start < cfg.count; start += batchSize) {
    const n = Math.min(batchSize, cfg.count - start);
    // A fixed-batch model gets exactly its batch; the rows past n are zeros and are dropped.
    const rows = io.fixedBatch ?? n;
    const inputs = drawGeneratorInputs({
      seed: cfg.seed,
      start,
      count: n,
      conditionProbabilities: manifest.condition ? cfg.conditionProbabilities : undefined,
    });
    const pad = (x: Float32Array, width: number) => {
      if (rows === n) return x;
      const padded = new Float32Array(rows * width);
      padded.set(x);
      return padded;
    };
    const feeds: Record<string, import("onnxruntime-node").Tensor> = {
      [manifest.latent.input]: new ort.Tensor("float32", pad(inputs.latents, GENERATOR_LATENT_SIZE), [rows, GENERATOR_LATENT_SIZE]),
    };
    if (manifest.condition)
      feeds[manifest.condition.input] = new ort.Tensor("float32", pad(inputs.conditions!, CONDITION_SIZE), [rows, CONDITION_SIZE]);
    let result: Record<string, import("onnxruntime-node").Tensor>;
    try {
      result = await session.run(feeds, [outputName]);
    } catch (e) {
      throw toSandboxError(e, "onnxruntime failed while running the generator");
    }
    const t = result[outputName];
    const want = nchw ? [rows, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH] : [rows, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS];
    if (!t || !(t.data instanceof Float32Array || t.data instanceof Float64Array))
      throw new SandboxError("invalid-output", `output "${outputName}" is a ${t?.type ?? "missing"} tensor; it must be float32`);
    if (t.dims.length !== 4 || t.dims.some((d, k) => d !== want[k]))
      throw new SandboxError(
        "invalid-output",
        `output "${outputName}" has shape [${t.dims.join(", ")}] for ${rows} latents; with layout ${manifest.output.layout} it must be [${want.join(", ")}]`,
      );
    const data = t.data;
    for (let i = 0; i < n; i++) {
      for (let y = 0; y < IMAGE_HEIGHT; y++) {
        for (let x = 0; x < IMAGE_WIDTH; x++) {
          for (let c = 0; c < IMAGE_CHANNELS; c++) {
            const hwc = (y * IMAGE_WIDTH + x) * IMAGE_CHANNELS + c;
            const v = data[nchw ? i * IMAGE_BYTES + c * plane + y * IMAGE_WIDTH + x : i * IMAGE_BYTES + hwc];
            if (!Number.isFinite(v))
              throw new SandboxError(
                "invalid-output",
                `image ${start + i} has a value that is not a finite number (${v}) at row ${y}, column ${x}, channel ${c}`,
              );
            const clipped = v < min ? min : v > max ? max : v;
            out[i * IMAGE_BYTES + hwc] = Math.round(clipped * scale + offset);
          }
        }
      }
    }
    for (const r of Object.values(result)) r.dispose?.();
    sendToParent({ t: "images", start, n });
    writeAll(out.subarray(0, n * IMAGE_BYTES));
  }
  sendToParent({ t: "done", seconds: (performance.now() - t1) / 1000 });
  await session.release();
}

/** Raw bytes on the result descriptor, blocking, retried while the pipe is full (like sendToParent). */
function writeAll(buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(RESULT_FD, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
