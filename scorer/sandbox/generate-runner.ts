import fs from "node:fs";
import path from "node:path";
import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import { checkGeneratorIo } from "@/lib/generation/check-generator-io";
import { checkGeneratorTfjs } from "@/lib/generation/check-generator-tfjs";
import { drawGeneratorInputs } from "@/lib/generation/draw-generator-inputs";
import { CONDITION_SIZE, DEFAULT_GENERATOR_BATCH, GENERATOR_LATENT_SIZE, rangeToBytes } from "@/lib/generation/generator-manifest";
import { checkOnnxModel } from "@/lib/models/check-onnx-model";
import { createOrtSession, listBundleFiles, SandboxError, sendToParent, toSandboxError, writeAllToParent } from "./child-io";
import type { GenerateConfig } from "./protocol";
import { tfjsArtifacts, type Tf } from "./tfjs-runner";

type Ort = typeof import("onnxruntime-node");

/** One batch through the generator: the image output's values and shape. */
interface GeneratorSession {
  backend: string;
  /** A fixed batch the model was exported with (rows past n are zero-padded and dropped). */
  fixedBatch?: number;
  outputName: string;
  run(
    latents: Float32Array,
    conditions: Float32Array | undefined,
    rows: number,
  ): Promise<{ data: ArrayLike<number>; dims: readonly number[] }>;
  close(): Promise<void>;
}

/**
 * Generate mode of the sandbox child: loads the generator (ONNX in onnxruntime, or tfjs-layers in
 * tfjs; bytes read by Node under the permission model and re-checked, as for classification
 * models), feeds it the platform's latents batch by batch and sends each batch of images to the
 * parent as bytes: a JSON header line, then n x 108 x 84 x 3 raw bytes. Shape and finiteness
 * are checked here (a NaN or infinity refuses the run: it would otherwise become some arbitrary
 * pixel) and values are clipped to the declared range, then rounded. Only one batch of floats and
 * bytes is alive at a time: 64 images are 7 MB of float32.
 */
export async function runGenerator(cfg: GenerateConfig, loadTf: () => Promise<Tf>): Promise<void> {
  const { manifest } = cfg;
  const t0 = performance.now();
  const session = manifest.format === "onnx" ? await openOnnxGenerator(cfg) : await openTfjsGenerator(cfg, await loadTf());
  const batchSize = session.fixedBatch ?? manifest.batchSize ?? DEFAULT_GENERATOR_BATCH;
  sendToParent({ t: "ready", backend: session.backend, loadSeconds: (performance.now() - t0) / 1000, batchSize });

  const t1 = performance.now();
  const { scale, offset, min, max } = rangeToBytes(manifest.output.range);
  const nchw = manifest.output.layout === "NCHW";
  const plane = IMAGE_HEIGHT * IMAGE_WIDTH;
  const out = new Uint8Array(batchSize * IMAGE_BYTES);
  const outputName = session.outputName;
  for (let start = 0; start < cfg.count; start += batchSize) {
    const n = Math.min(batchSize, cfg.count - start);
    // A fixed-batch model gets exactly its batch; the rows past n are zeros and are dropped.
    const rows = session.fixedBatch ?? n;
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
    const t = await session.run(
      pad(inputs.latents, GENERATOR_LATENT_SIZE),
      manifest.condition ? pad(inputs.conditions!, CONDITION_SIZE) : undefined,
      rows,
    );
    const want = nchw ? [rows, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH] : [rows, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS];
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
    sendToParent({ t: "images", start, n });
    writeAllToParent(out.subarray(0, n * IMAGE_BYTES));
  }
  sendToParent({ t: "done", seconds: (performance.now() - t1) / 1000 });
  await session.close();
}

async function openOnnxGenerator(cfg: GenerateConfig): Promise<GeneratorSession> {
  const { manifest } = cfg;
  const bytes = fs.readFileSync(path.join(cfg.bundleDir, manifest.model));
  const checked = checkOnnxModel({ bytes, manifest: null, limits: cfg.checkLimits, fileName: manifest.model });
  if (!checked.ok) throw new SandboxError("model-error", checked.errors.join("\n"));
  const io = checkGeneratorIo(checked.summary, manifest);
  if (io.errors.length || !io.outputName) throw new SandboxError("model-error", io.errors.join("\n"));
  const outputName = io.outputName;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort: Ort = require(cfg.ortModule);
  const session = await createOrtSession(ort, bytes, cfg.threads, "onnxruntime could not load the generator");
  let last: Record<string, import("onnxruntime-node").Tensor> = {};
  return {
    backend: "onnxruntime",
    fixedBatch: io.fixedBatch,
    outputName,
    async run(latents, conditions, rows) {
      for (const r of Object.values(last)) r.dispose?.();
      const feeds: Record<string, import("onnxruntime-node").Tensor> = {
        [manifest.latent.input]: new ort.Tensor("float32", latents, [rows, GENERATOR_LATENT_SIZE]),
      };
      if (manifest.condition && conditions) feeds[manifest.condition.input] = new ort.Tensor("float32", conditions, [rows, CONDITION_SIZE]);
      try {
        last = await session.run(feeds, [outputName]);
      } catch (e) {
        throw toSandboxError(e, "onnxruntime failed while running the generator");
      }
      const t = last[outputName];
      if (!t || !(t.data instanceof Float32Array || t.data instanceof Float64Array))
        throw new SandboxError("invalid-output", `output "${outputName}" is a ${t?.type ?? "missing"} tensor; it must be float32`);
      return { data: t.data, dims: t.dims };
    },
    close: () => session.release(),
  };
}

async function openTfjsGenerator(cfg: GenerateConfig, tf: Tf): Promise<GeneratorSession> {
  const { manifest } = cfg;
  let modelJson: Record<string, unknown>;
  try {
    modelJson = JSON.parse(fs.readFileSync(path.join(cfg.bundleDir, manifest.model), "utf8"));
  } catch (e) {
    throw toSandboxError(e, `${manifest.model} could not be read`);
  }
  const checked = checkGeneratorTfjs({ modelJson, fileSizes: listBundleFiles(cfg.bundleDir), manifest, limits: cfg.checkLimits });
  if (checked.errors.length) throw new SandboxError("model-error", checked.errors.join("\n"));
  let model: import("@tensorflow/tfjs-layers").LayersModel;
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory(tfjsArtifacts(cfg.bundleDir, modelJson, checked.weightFiles)), { strict: true });
  } catch (e) {
    throw toSandboxError(e, "tfjs could not load the generator");
  }
  // Output layer names, as model.json's output_layers list them (a Sequential model's outputNames can be unset).
  const outputNames = model.outputs.map((o) => o.sourceLayer.name);
  const outputIndex = manifest.output.name === undefined ? 0 : outputNames.indexOf(manifest.output.name);
  if (outputIndex < 0 || model.outputs.length <= outputIndex || (manifest.output.name === undefined && model.outputs.length !== 1))
    throw new SandboxError(
      "model-error",
      `manifest.json: output.name: ${JSON.stringify(manifest.output.name ?? null)} does not pick one output of the model (outputs: ${outputNames.join(", ")})`,
    );
  return {
    backend: cfg.backend,
    fixedBatch: checked.fixedBatch,
    outputName: outputNames[outputIndex],
    async run(latents, conditions, rows) {
      const feeds = checked.feeds.map((f) =>
        f === "latent" ? tf.tensor2d(latents, [rows, GENERATOR_LATENT_SIZE]) : tf.tensor2d(conditions!, [rows, CONDITION_SIZE]),
      );
      let ys: import("@tensorflow/tfjs-core").Tensor[] = [];
      try {
        const y = model.predict(feeds.length === 1 ? feeds[0] : feeds);
        ys = Array.isArray(y) ? y : [y];
        const t = ys[outputIndex];
        if (t.dtype !== "float32")
          throw new SandboxError("invalid-output", `output "${outputNames[outputIndex]}" is ${t.dtype}; it must be float32`);
        return { data: await t.data<"float32">(), dims: t.shape };
      } catch (e) {
        throw toSandboxError(e, "tfjs failed while running the generator");
      } finally {
        tf.dispose([...feeds, ...ys]);
      }
    },
    close: async () => {
      model.dispose();
    },
  };
}
