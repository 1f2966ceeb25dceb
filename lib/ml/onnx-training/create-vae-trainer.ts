import * as ort from "onnxruntime-node";
import { mulberry32 } from "../../random/mulberry32";
import type { AdamOptions } from "./adam-optimizer";
import { buildVaeDecoderGraph } from "./build-vae-decoder-graph";
import { buildVaeTrainingGraph } from "./build-vae-training-graph";
import { onnxSessionOptions } from "./create-onnx-trainer";
import type { NetworkState } from "./init-parameters";
import { initNetworkState } from "./init-network-state";
import { batchNormPixels, createStepRunner } from "./create-step-runner";
import { describeVae, VAE_LATENT_LAYER, type VaeLayout, type VaeSpec } from "./vae-spec";

/**
 * Trains a VAE (vae-spec.ts) with the engine: each step is one forward + backward ONNX graph
 * (build-vae-training-graph.ts) run by onnxruntime-node, Adam and the batch-norm running
 * statistics in JavaScript, the reparameterisation noise drawn here (seeded). One session per
 * batch size, as in create-onnx-trainer.ts.
 */
export interface VaeTrainerOptions {
  spec: VaeSpec;
  /** Seed of the initial weights and of the noise. */
  seed?: number;
  state?: NetworkState;
  threads?: number;
  spin?: boolean;
  adam?: AdamOptions;
  /** Running statistics: running = m * running + (1 - m) * batch (default 0.9: short runs). */
  batchNormMomentum?: number;
}

export interface VaeBatch {
  /** NHWC images in [0, 1]. */
  x: Float32Array;
  count: number;
  /** Weight of the summed squared error: 1 / (2 sigma^2) for a Gaussian likelihood of std sigma. */
  reconstructionWeight: number;
  /** Weight of the KL term (1 = the ELBO; a warm-up ramps it). */
  klWeight: number;
  /** Reparameterisation noise [count, latent] (default: drawn from the trainer's seeded generator). */
  noise?: Float32Array;
}

export interface VaeStepResult {
  loss: number;
  /** Squared error per image and KL per image. */
  reconstruction: number;
  kl: number;
  /** Posterior means [count, latent] (the ex-post latent density is fitted on them). */
  mu: Float32Array;
}

export interface VaeGradients extends VaeStepResult {
  gradients: Map<string, Float32Array>;
}

export interface VaeTrainer {
  readonly spec: VaeSpec;
  readonly layout: VaeLayout;
  readonly state: NetworkState;
  computeGradients(batch: VaeBatch): Promise<VaeGradients>;
  step(batch: VaeBatch & { learningRate: number }): Promise<VaeStepResult>;
  /** The decoder as an ONNX generator (build-vae-decoder-graph.ts) with the current weights. */
  exportDecoder(options?: Omit<Parameters<typeof buildVaeDecoderGraph>[0], "spec" | "state">): Uint8Array;
  close(): Promise<void>;
}

export async function createVaeTrainer(options: VaeTrainerOptions): Promise<VaeTrainer> {
  const { spec } = options;
  const layout = describeVae(spec);
  const threads = options.threads ?? 2;
  const runner = createStepRunner({
    layout,
    batchNormPixels: new Map([
      ...batchNormPixels(spec.encoder, layout.encoderShapes),
      ...batchNormPixels(spec.decoder, layout.decoderShapes),
    ]),
    state: options.state,
    initState: () => initVaeParameters(spec, layout, options.seed ?? 1),
    adam: options.adam,
    momentum: options.batchNormMomentum ?? 0.9,
    buildGraph: (n) => buildVaeTrainingGraph({ spec, batchSize: n }).bytes,
    sessionOptions: () => onnxSessionOptions(threads, options.spin ?? false),
  });
  const { state } = runner;
  const random = mulberry32(((options.seed ?? 1) * 7919 + 29) >>> 0);
  const [H, W, C] = spec.input;
  const perImage = H * W * C;
  const L = spec.latent;
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());

  const run = async (
    batch: VaeBatch,
  ): Promise<VaeGradients & { batchMean: Map<string, Float32Array>; batchVar: Map<string, Float32Array> }> => {
    const n = batch.count;
    if (batch.x.length !== n * perImage) throw new Error(`x has ${batch.x.length} values, expected ${n} x ${H}x${W}x${C}`);
    const noise = batch.noise ?? Float32Array.from({ length: n * L }, normal);
    if (noise.length !== n * L) throw new Error(`noise has ${noise.length} values, expected ${n} x ${L}`);
    const { output, gradients, batchMean, batchVar } = await runner.run(n, {
      x: new ort.Tensor("float32", batch.x, [n, H, W, C]),
      noise: new ort.Tensor("float32", noise, [n, L]),
      reconstructionWeight: new ort.Tensor("float32", Float32Array.of(batch.reconstructionWeight), []),
      klWeight: new ort.Tensor("float32", Float32Array.of(batch.klWeight), []),
    });
    return {
      loss: output("loss")[0],
      reconstruction: output("reconstruction")[0],
      kl: output("kl")[0],
      mu: output("mu"),
      gradients,
      batchMean,
      batchVar,
    };
  };

  return {
    spec,
    layout,
    state,
    computeGradients: run,
    async step(batch) {
      const result = await run(batch);
      runner.apply({ result, learningRate: batch.learningRate, count: batch.count });
      return { loss: result.loss, reconstruction: result.reconstruction, kl: result.kl, mu: result.mu };
    },
    exportDecoder(exportOptions) {
      return buildVaeDecoderGraph({ spec, state, ...exportOptions });
    },
    close: () => runner.close(),
  };
}

/**
 * Fresh VAE weights: He normal for the hidden conv and dense kernels, Glorot uniform for the
 * latent layer (small means and log-variances near 0: the posterior starts close to the prior)
 * and for the decoder's last conv (the output layer, behind a sigmoid), zero biases and betas,
 * unit gammas.
 */
export function initVaeParameters(spec: VaeSpec, layout: VaeLayout, seed: number): NetworkState {
  const lastConv = [...spec.decoder].reverse().find((l) => l.kind === "conv");
  const glorotKernels = new Set([
    `${VAE_LATENT_LAYER}.kernel`,
    ...(lastConv && lastConv.kind === "conv" ? [`${lastConv.name}.kernel`] : []),
  ]);
  return initNetworkState({ parameters: layout.parameters, batchNorms: layout.batchNorms, glorotKernels, seed });
}
