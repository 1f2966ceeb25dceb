import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type * as TfCore from "@tensorflow/tfjs-core";
import type * as TfConverter from "@tensorflow/tfjs-converter";
import type * as TfLayers from "@tensorflow/tfjs-layers";
import { ATTRIBUTES, IMAGE_BYTES } from "@/lib/challenge/definition";
import { checkTfjsModel } from "@/lib/models/check-tfjs-model";
import { argmaxHead } from "@/lib/models/decode-model-outputs";
import { DEFAULT_BATCH_SIZE } from "@/lib/models/manifest";
import { inputShape, preprocessImages } from "@/lib/models/preprocess-images";
import { listBundleFiles, SandboxError, toSandboxError } from "./child-io";
import type { SandboxConfig, WorkerMessage } from "./protocol";

/**
 * Runs a tfjs model (layers or graph) inside the sandbox child. With the wasm backend one
 * instance uses one core, so the child starts one worker thread per allowed thread and deals
 * batches to them; with tfjs-node (native, multi-threaded) it runs in the main thread.
 * There is no pure-JS `cpu` backend in the child at all: if wasm cannot start, the run fails.
 */

export interface BatchRunner {
  backend: string;
  batchSize: number;
  /** How many batches may be in flight at once. */
  parallelism: number;
  /** Class indices (Gender, Hair_Color, Hair_Type) per image, in manifest class order. */
  run(pixels: Uint8Array, start: number, n: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The slice of the tfjs API we use, whether it comes from our bundle or from tfjs-node. */
export type Tf = typeof TfCore & Pick<typeof TfLayers, "loadLayersModel"> & Pick<typeof TfConverter, "loadGraphModel">;

export interface TfjsPredictor {
  batchSize: number;
  predict(pixels: Uint8Array, n: number, start: number): Promise<Uint8Array>;
}

/** Loads the bundle's model into `tf` (re-checking model.json against the files it reads). */
export async function loadTfjsPredictor(tf: Tf, cfg: SandboxConfig): Promise<TfjsPredictor> {
  const { manifest } = cfg;
  const modelPath = path.join(cfg.bundleDir, manifest.model);
  let modelJson: Record<string, unknown>;
  try {
    modelJson = JSON.parse(fs.readFileSync(modelPath, "utf8"));
  } catch (e) {
    throw toSandboxError(e, `${manifest.model} could not be read`);
  }
  const checked = checkTfjsModel({
    modelJson,
    modelPath: manifest.model,
    fileSizes: listBundleFiles(cfg.bundleDir),
    manifest,
    limits: cfg.checkLimits,
  });
  if (!checked.ok) throw new SandboxError("model-error", checked.errors.join("\n"));

  const artifacts = tfjsArtifacts(cfg.bundleDir, modelJson, checked.summary.weightFiles);
  const handler = tf.io.fromMemory(artifacts);

  type Run = (x: TfCore.Tensor) => Promise<TfCore.Tensor[]>;
  let run: Run;
  let fixedBatch: number | undefined;
  const labels: string[] = [];
  try {
    if (manifest.format === "tfjs-layers") {
      const model = await tf.loadLayersModel(handler, { strict: true });
      const outputNames = model.outputNames;
      const indices = ATTRIBUTES.map((attr) => {
        const ref = manifest.outputs[attr].output;
        const i = typeof ref === "number" ? ref : outputNames.indexOf(ref);
        if (i < 0 || i >= model.outputs.length)
          throw new SandboxError(
            "model-error",
            `outputs.${attr}.output: ${JSON.stringify(ref)} is not an output of the model (outputs: ${outputNames.join(", ")})`,
          );
        labels.push(JSON.stringify(outputNames[i] ?? i));
        return i;
      });
      const b = model.inputs[0]?.shape[0];
      fixedBatch = typeof b === "number" && b > 0 ? b : undefined;
      run = async (x) => {
        const y = model.predict(x);
        const ys = Array.isArray(y) ? y : [y];
        return indices.map((i) => ys[i]);
      };
    } else {
      const model = await tf.loadGraphModel(handler);
      const inputName = manifest.input.name ?? model.inputs[0]?.name;
      if (!inputName) throw new SandboxError("model-error", "the graph model has no input");
      const names = ATTRIBUTES.map((attr) => {
        const ref = manifest.outputs[attr].output;
        const name = typeof ref === "number" ? model.outputs[ref]?.name : ref;
        if (!name)
          throw new SandboxError(
            "model-error",
            `outputs.${attr}.output: index ${ref} is out of range (the model has ${model.outputs.length} outputs)`,
          );
        labels.push(JSON.stringify(name));
        return name;
      });
      const unique = [...new Set(names)];
      const b = model.inputs.find((i) => i.name === inputName)?.shape?.[0];
      fixedBatch = typeof b === "number" && b > 0 ? b : undefined;
      run = async (x) => {
        const y = await model.executeAsync({ [inputName]: x }, unique);
        const ys = Array.isArray(y) ? y : [y];
        return names.map((n) => ys[unique.indexOf(n)]);
      };
    }
  } catch (e) {
    throw toSandboxError(e, "tfjs could not load the model");
  }

  const batchSize = fixedBatch ?? manifest.batchSize ?? DEFAULT_BATCH_SIZE;
  const buffer = new Float32Array(batchSize * IMAGE_BYTES);
  return {
    batchSize,
    async predict(pixels, n, start) {
      const rows = fixedBatch ?? n;
      preprocessImages(pixels, n, manifest.input, buffer);
      const data = buffer.subarray(0, rows * IMAGE_BYTES);
      if (rows > n) data.fill(0, n * IMAGE_BYTES); // padding rows of a fixed-batch model
      const x = tf.tensor(data, inputShape(rows, manifest.input.layout), "float32");
      let ys: TfCore.Tensor[] = [];
      try {
        ys = await run(x);
        const out = new Uint8Array(n * 3);
        for (let a = 0; a < ATTRIBUTES.length; a++) {
          const t = ys[a];
          const decoded = argmaxHead({
            attr: ATTRIBUTES[a],
            head: manifest.outputs[ATTRIBUTES[a]],
            outputLabel: labels[a],
            data: await t.data(),
            dims: t.shape,
            count: rows,
            offset: start,
          });
          if (!decoded.ok) throw new SandboxError("invalid-output", decoded.message);
          for (let i = 0; i < n; i++) out[i * 3 + a] = decoded.indices[i];
        }
        return out;
      } catch (e) {
        throw toSandboxError(e, "tfjs failed while running the model");
      } finally {
        tf.dispose([x, ...ys]);
      }
    },
  };
}

/** model.json and its checked weight files (read from the bundle folder) as tfjs model artifacts, for tf.io.fromMemory. */
export function tfjsArtifacts(bundleDir: string, modelJson: Record<string, unknown>, weightFiles: string[]): TfCore.io.ModelArtifacts {
  const weightData = Buffer.concat(weightFiles.map((f) => fs.readFileSync(path.join(bundleDir, ...f.split("/")))));
  const manifestGroups = (modelJson.weightsManifest ?? []) as { weights: TfCore.io.WeightsManifestEntry[] }[];
  return {
    modelTopology: modelJson.modelTopology as TfCore.io.ModelArtifacts["modelTopology"],
    weightSpecs: manifestGroups.flatMap((g) => g.weights),
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    format: modelJson.format as string | undefined,
    generatedBy: modelJson.generatedBy as string | undefined,
    convertedBy: modelJson.convertedBy as string | null | undefined,
    signature: modelJson.signature as object | undefined,
    userDefinedMetadata: modelJson.userDefinedMetadata as TfCore.io.ModelArtifacts["userDefinedMetadata"],
    modelInitializer: modelJson.modelInitializer as object | undefined,
  };
}

/** Main-thread runner over `threads` worker threads, each with its own wasm instance and model. */
export async function createTfjsWorkerPool(cfg: SandboxConfig, entryFile: string): Promise<BatchRunner> {
  const count = Math.max(1, cfg.threads);
  const workers: { worker: Worker; busy: boolean }[] = [];
  const pending = new Map<number, { resolve: (v: Uint8Array) => void; reject: (e: unknown) => void }>();
  let failure: SandboxError | undefined;
  const idleWaiters: (() => void)[] = [];
  const fail = (e: SandboxError) => {
    failure ??= e;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
    for (const w of idleWaiters.splice(0)) w();
  };

  let batchSize = DEFAULT_BATCH_SIZE;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(entryFile, { workerData: { role: "tfjs-worker", cfg }, stdout: false, stderr: false });
          const slot = { worker, busy: false };
          workers.push(slot);
          worker.on("message", (m: WorkerMessage) => {
            if (m.t === "ready") {
              batchSize = m.batchSize;
              resolve();
            } else if (m.t === "preds") {
              slot.busy = false;
              pending.get(m.start)?.resolve(m.idx);
              pending.delete(m.start);
              idleWaiters.shift()?.();
            } else if (m.t === "error") {
              const e = new SandboxError(m.reason, m.message);
              fail(e);
              reject(e);
            }
          });
          worker.on("error", (e) => {
            const se = toSandboxError(e, "a tfjs worker failed");
            fail(se);
            reject(se);
          });
          worker.on("exit", (code) => {
            if (code !== 0) {
              const se = new SandboxError("model-error", `a tfjs worker exited with code ${code}`);
              fail(se);
              reject(se);
            }
          });
        }),
    ),
  );

  return {
    backend: "tfjs-wasm",
    batchSize,
    parallelism: count,
    async run(pixels, start, n) {
      for (;;) {
        if (failure) throw failure;
        const slot = workers.find((w) => !w.busy);
        if (slot) {
          slot.busy = true;
          return new Promise<Uint8Array>((resolve, reject) => {
            pending.set(start, { resolve, reject });
            slot.worker.postMessage({ t: "batch", start, n, pixels }, [pixels.buffer as ArrayBuffer]);
          });
        }
        await new Promise<void>((r) => idleWaiters.push(r));
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}

/** Body of a tfjs worker thread: set up wasm, load the model, answer batches. */
export async function runTfjsWorker(tf: Tf, cfg: SandboxConfig, port: import("node:worker_threads").MessagePort): Promise<void> {
  const post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);
  try {
    const predictor = await loadTfjsPredictor(tf, cfg);
    post({ t: "ready", batchSize: predictor.batchSize });
    const answer = async (m: { t: "batch"; start: number; n: number; pixels: Uint8Array }) => {
      try {
        const idx = await predictor.predict(m.pixels, m.n, m.start);
        post({ t: "preds", start: m.start, n: m.n, idx }, [idx.buffer as ArrayBuffer]);
      } catch (e) {
        const se = toSandboxError(e, "tfjs failed while running the model");
        post({ t: "error", reason: se.reason, message: se.message });
      }
    };
    port.on("message", (m: { t: "batch"; start: number; n: number; pixels: Uint8Array }) => void answer(m));
  } catch (e) {
    const se = toSandboxError(e, "tfjs could not load the model");
    post({ t: "error", reason: se.reason, message: se.message });
  }
}
