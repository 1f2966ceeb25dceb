import * as ort from "onnxruntime-node";
import { createAdam, type AdamOptions } from "./adam-optimizer";
import { applyTrainingStep } from "./apply-training-step";
import type { NetworkState } from "./init-parameters";
import type { ActivationShape, LayerSpec, ParameterInfo } from "./network-spec";

/** What a step graph's run gives back besides the trainer's own outputs (output-step-results.ts wrote them). */
export interface StepRun {
  /** A float output of the graph by name (the trainer's own: `loss`, `<head>.loss`, `kl`, ...). */
  output: (name: string) => Float32Array;
  gradients: Map<string, Float32Array>;
  batchMean: Map<string, Float32Array>;
  batchVar: Map<string, Float32Array>;
  /** Wall-clock ms of the graph run alone. */
  runMs: number;
}

export interface StepRunner {
  /** The live weights and running statistics (mutated by `apply`). */
  readonly state: NetworkState;
  /** Runs the step graph of a batch of `count`: `feeds` are the batch's own inputs, the weights are added by name. */
  run(count: number, feeds: Record<string, ort.Tensor>): Promise<StepRun>;
  /** Takes the step: Adam and the running statistics (apply-training-step.ts). */
  apply(options: { result: { loss: number } & Omit<StepRun, "output" | "runMs">; learningRate: number; count: number }): void;
  /** Releases every session (after ending its profile, when profiling). */
  close(): Promise<void>;
}

/**
 * What the cnn and VAE trainers (create-onnx-trainer.ts, create-vae-trainer.ts) share around
 * their own step graph and feeds: the weights (copied from `state`, else `initState()`) and
 * Adam's moments; one onnxruntime session per batch size (static shapes), created on first use
 * from `buildGraph`; each run feeding the current weights and reading back the gradients and
 * batch statistics every step graph ends with; the step itself; the sessions' release.
 */
export function createStepRunner(options: {
  layout: { parameters: readonly ParameterInfo[]; batchNorms: readonly { name: string }[] };
  /** Pixels per channel of the activation each batch norm normalises (`batchNormPixels`). */
  batchNormPixels: ReadonlyMap<string, number>;
  state?: NetworkState;
  initState: () => NetworkState;
  adam?: AdamOptions;
  /** Running statistics: running = momentum * running + (1 - momentum) * batch. */
  momentum: number;
  buildGraph: (batchSize: number) => Uint8Array;
  sessionOptions: (batchSize: number) => ort.InferenceSession.SessionOptions;
  /** The sessions were created with profiling on: end each profile before releasing it. */
  profiling?: boolean;
}): StepRunner {
  const { layout } = options;
  const state = options.state ? copyState(options.state) : options.initState();
  const adam = createAdam(options.adam);
  const sessions = new Map<number, Promise<ort.InferenceSession>>();

  const sessionFor = (n: number) => {
    let s = sessions.get(n);
    if (!s) {
      s = ort.InferenceSession.create(options.buildGraph(n), options.sessionOptions(n));
      sessions.set(n, s);
    }
    return s;
  };

  return {
    state,
    async run(count, feeds) {
      const session = await sessionFor(count);
      const all = { ...feeds };
      for (const p of layout.parameters) all[p.name] = new ort.Tensor("float32", state.parameters.get(p.name)!, p.shape);
      const t0 = performance.now();
      const out = await session.run(all);
      const runMs = performance.now() - t0;
      const output = (name: string) => out[name].data as Float32Array;
      return {
        output,
        gradients: new Map(layout.parameters.map((p) => [p.name, output(`${p.name}.grad`)])),
        batchMean: new Map(layout.batchNorms.map((b) => [b.name, output(`${b.name}.mean`)])),
        batchVar: new Map(layout.batchNorms.map((b) => [b.name, output(`${b.name}.var`)])),
        runMs,
      };
    },
    apply({ result, learningRate, count }) {
      applyTrainingStep({
        state,
        adam,
        result,
        learningRate,
        batchNorms: layout.batchNorms,
        valuesPerChannel: (name) => count * options.batchNormPixels.get(name)!,
        momentum: options.momentum,
      });
    },
    async close() {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(
        all.map(async (s) => {
          const session = await s;
          if (options.profiling) session.endProfiling();
          await session.release();
        }),
      );
    },
  };
}

/** Each batch norm of `layers` and the pixels per channel of its activation (`shapes[i]`: [C, H, W], or [F] for a vector: 1). */
export function batchNormPixels(layers: readonly LayerSpec[], shapes: readonly ActivationShape[]): Map<string, number> {
  const pixels = new Map<string, number>();
  layers.forEach((layer, i) => {
    const shape = shapes[i];
    if (layer.kind === "batchNorm") pixels.set(layer.name, shape.length === 3 ? shape[1] * shape[2] : 1);
  });
  return pixels;
}

function copyState(state: NetworkState): NetworkState {
  const copy = (m: Map<string, Float32Array>) => new Map([...m].map(([k, v]) => [k, Float32Array.from(v)] as const));
  return { parameters: copy(state.parameters), runningMean: copy(state.runningMean), runningVar: copy(state.runningVar) };
}
