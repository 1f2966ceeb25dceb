import * as ort from "onnxruntime-node";
import { mulberry32 } from "../../random/mulberry32";
import type { AdamOptions } from "./adam-optimizer";
import { buildInferenceGraph, INFERENCE_INPUT } from "./build-inference-graph";
import { buildTrainingGraph } from "./build-training-graph";
import { initParameters, type NetworkState } from "./init-parameters";
import { batchNormPixels, createStepRunner } from "./create-step-runner";
import { describeNetwork, type NetworkLayout, type NetworkSpec } from "./network-spec";

/**
 * The ONNX training engine: each step runs the whole forward + backward pass as one ONNX graph
 * in onnxruntime-node (build-training-graph.ts) with the current weights as inputs, then updates
 * the weights with Adam and the batch-norm running statistics in JavaScript. One session per
 * batch size (static shapes), created on first use; onnxruntime's own intra-op threads use the
 * cores, so no worker threads are needed.
 */

export interface OnnxTrainerOptions {
  spec: NetworkSpec;
  /** Seed of the initial weights and of the dropout masks. */
  seed?: number;
  /** Start from these weights instead of fresh ones (they are copied). */
  state?: NetworkState;
  /** onnxruntime intra-op threads (default 2: the machines we train on have two cores). */
  threads?: number;
  /**
   * Let onnxruntime's idle threads spin between operators (default false). Spinning gains a few
   * percent on an idle machine and loses up to half the throughput on a shared one, where a
   * spinning thread burns the time slice the other thread needs (docs/decisions/0010).
   */
  spin?: boolean;
  /**
   * Write onnxruntime's profile of every training step (kernel time per node, Chrome trace JSON)
   * to files starting with this path; they are complete once `close()` returns (bench/training.ts
   * --profile sums them by operator).
   */
  profileFilePrefix?: string;
  adam?: AdamOptions;
  /** Running statistics: running = m * running + (1 - m) * batch (default 0.99, Keras's). */
  batchNormMomentum?: number;
}

export interface HeadBatch {
  /** Class index per image; a negative value (n/a) ignores the image for this head. */
  labels: ArrayLike<number>;
  /** Per-class weight of the loss (default 1 for every class). */
  classWeights?: ArrayLike<number>;
}

export interface OnnxTrainBatch {
  /** NHWC images, normalised as the model expects. */
  x: Float32Array;
  count: number;
  /** Per head, in the spec's order. */
  heads: HeadBatch[];
  learningRate: number;
  /** Loss = sum over images of classWeight * CE / normaliser (default: the batch size). */
  normaliser?: number;
}

export interface OnnxStepResult {
  loss: number;
  losses: number[];
  /** Wall-clock ms of the graph run and of the JavaScript side (feeds, Adam, statistics). */
  timing: { runMs: number; jsMs: number };
}

export interface OnnxGradients {
  loss: number;
  losses: number[];
  gradients: Map<string, Float32Array>;
  batchMean: Map<string, Float32Array>;
  batchVar: Map<string, Float32Array>;
}

export interface OnnxPredictor {
  /** Softmax probabilities per head ([count, classes] row-major), inference mode. */
  predict(x: Float32Array, count: number): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export interface OnnxTrainer {
  readonly spec: NetworkSpec;
  readonly layout: NetworkLayout;
  /** The live weights and running statistics (mutated by each step). */
  readonly state: NetworkState;
  /** Loss and gradients of one batch without updating anything (tests, gradient checks). */
  computeGradients(
    batch: Omit<OnnxTrainBatch, "learningRate">,
    options?: { dropoutMasks?: Map<string, Float32Array> },
  ): Promise<OnnxGradients>;
  step(batch: OnnxTrainBatch): Promise<OnnxStepResult>;
  /** An inference session of the weights as they are now (later steps do not change it). */
  createPredictor(): Promise<OnnxPredictor>;
  /** The inference model (ONNX bytes) of the current weights. */
  exportOnnx(): Uint8Array;
  close(): Promise<void>;
}

/** The engine's onnxruntime session options (2 threads by default, no spinning: docs/decisions/0010). */
export const onnxSessionOptions = (threads: number, spin: boolean, profileFilePrefix?: string): ort.InferenceSession.SessionOptions => ({
  ...(profileFilePrefix ? { enableProfiling: true, profileFilePrefix } : {}),
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
  logSeverityLevel: 3,
  // session.intra_op.allow_spinning
  extra: { session: { intra_op: { allow_spinning: spin ? "1" : "0" } } },
});

export async function createOnnxTrainer(options: OnnxTrainerOptions): Promise<OnnxTrainer> {
  const { spec } = options;
  const layout = describeNetwork(spec);
  const threads = options.threads ?? 2;
  const spin = options.spin ?? false;
  const runner = createStepRunner({
    layout,
    batchNormPixels: batchNormPixels(spec.layers, layout.shapes),
    state: options.state,
    initState: () => initParameters({ spec, seed: options.seed }),
    adam: options.adam,
    momentum: options.batchNormMomentum ?? 0.99,
    buildGraph: (n) => buildTrainingGraph({ spec, batchSize: n }).bytes,
    sessionOptions: (n) => onnxSessionOptions(threads, spin, options.profileFilePrefix && `${options.profileFilePrefix}-batch${n}`),
    profiling: Boolean(options.profileFilePrefix),
  });
  const { state } = runner;
  const dropoutRandom = mulberry32(((options.seed ?? 1) * 7919 + 17) >>> 0);
  const [H, W, C] = spec.input;
  const perImage = H * W * C;

  const feedsFor = (batch: Omit<OnnxTrainBatch, "learningRate">, masks?: Map<string, Float32Array>): Record<string, ort.Tensor> => {
    const n = batch.count;
    if (batch.x.length !== n * perImage) throw new Error(`x has ${batch.x.length} values, expected ${n} x ${H}x${W}x${C}`);
    if (batch.heads.length !== spec.heads.length)
      throw new Error(`${batch.heads.length} heads given, the network has ${spec.heads.length}`);
    const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor("float32", batch.x, [n, H, W, C]) };
    for (const d of layout.dropouts) {
      let mask = masks?.get(d.name);
      if (!mask) {
        mask = new Float32Array(n * d.size);
        const keep = 1 / (1 - d.rate);
        for (let i = 0; i < mask.length; i++) mask[i] = dropoutRandom() >= d.rate ? keep : 0;
      }
      feeds[`${d.name}.mask`] = new ort.Tensor("float32", mask, [n, d.size]);
    }
    const normaliser = batch.normaliser ?? n;
    spec.heads.forEach((head, k) => {
      const { labels, classWeights } = batch.heads[k];
      const targets = new Float32Array(n * head.classes);
      const weights = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const y = labels[i];
        if (y < 0) continue;
        if (y >= head.classes || !Number.isInteger(y)) throw new Error(`${head.name}: label ${y} out of range`);
        targets[i * head.classes + y] = 1;
        weights[i] = (classWeights ? classWeights[y] : 1) / normaliser;
      }
      feeds[`${head.name}.targets`] = new ort.Tensor("float32", targets, [n, head.classes]);
      feeds[`${head.name}.weights`] = new ort.Tensor("float32", weights, [n]);
    });
    return feeds;
  };

  const run = async (batch: Omit<OnnxTrainBatch, "learningRate">, masks?: Map<string, Float32Array>) => {
    const t0 = performance.now();
    const { output, gradients, batchMean, batchVar, runMs } = await runner.run(batch.count, feedsFor(batch, masks));
    const result: OnnxGradients = {
      loss: output("loss")[0],
      losses: spec.heads.map((h) => output(`${h.name}.loss`)[0]),
      gradients,
      batchMean,
      batchVar,
    };
    // The feeds' time: the whole call but the graph run (the session's creation on first use included).
    return { result, runMs, feedMs: performance.now() - t0 - runMs };
  };

  return {
    spec,
    layout,
    state,
    async computeGradients(batch, opts) {
      return (await run(batch, opts?.dropoutMasks)).result;
    },
    async step(batch) {
      const { result, runMs, feedMs } = await run(batch);
      const t0 = performance.now();
      runner.apply({ result, learningRate: batch.learningRate, count: batch.count });
      return { loss: result.loss, losses: result.losses, timing: { runMs, jsMs: feedMs + performance.now() - t0 } };
    },
    async createPredictor() {
      const session = await ort.InferenceSession.create(buildInferenceGraph({ spec, state }), onnxSessionOptions(threads, spin));
      return {
        async predict(x, count) {
          const out = await session.run({
            [INFERENCE_INPUT]: new ort.Tensor("float32", x.subarray(0, count * perImage), [count, H, W, C]),
          });
          return spec.heads.map((h) => Float32Array.from(out[h.name].data as Float32Array));
        },
        close: () => session.release(),
      };
    },
    exportOnnx() {
      return buildInferenceGraph({ spec, state });
    },
    close: () => runner.close(),
  };
}
