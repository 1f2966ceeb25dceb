import { buildLinearGenerator } from "../generation/build-linear-generator";
import { buildResamplingGenerator } from "../generation/build-resampling-generator";
import { fitEigenportraits } from "../generation/fit-eigenportraits";
import type { GeneratorManifest } from "../generation/generator-manifest";
import { trainVaeGenerator, type VaeEpochReport } from "../generation/train-vae-generator";
import { openTrainImageReader } from "./open-train-image-reader";
import { shuffledRange } from "./split-holdout";

/**
 * The generation track's baselines (docs/generation-track.md), trained by `npm run baselines`
 * and on `npm start` (ensure-generation-baselines.ts) and submitted as generator entries of the
 * baseline owner:
 *
 * - `pca-sampler`: the eigenportrait sampler, mean + top-64 principal directions of 2,000 train
 *   images (seconds);
 * - `train-resampling`: 256 train images picked by the latent (what copying scores, and that the
 *   memorisation penalty catches it; seconds);
 * - `vae`: a small convolutional VAE trained with the ONNX training engine (minutes), its
 *   decoder the generator.
 */
export interface GenerationBaselineArtifact {
  onnx: Uint8Array;
  manifest: GeneratorManifest;
  trainSeconds: number;
  /** One line for the submission's description (what was fitted, how well). */
  summary: string;
}

export interface GenerationBaselineRunOptions {
  cacheDir: string;
  /** Training epochs of the network baseline (default its own). */
  epochs?: number;
  seed?: number;
  onEpoch?: (report: VaeEpochReport) => void;
}

export interface GenerationBaselineDefinition {
  name: string;
  title: string;
  description: string;
  /** Seconds, not minutes: run in-process at start-up; the others train in a background child. */
  quick: boolean;
  run(options: GenerationBaselineRunOptions): Promise<GenerationBaselineArtifact>;
}

/** Train images the PCA is fitted on: 2,000 give stable top-64 directions (the 64th variance moves < 5% between seeds) in seconds. */
export const PCA_IMAGES = 2000;
/** Train images the resampling table holds: enough to look like the data, 28 MB of float32 in the model. */
export const RESAMPLING_IMAGES = 256;
/** Seed of the train-image order the PCA and resampling baselines draw from (disjoint rows). */
const ROW_ORDER_SEED = 5;
export const DEFAULT_VAE_EPOCHS = 6;

const seconds = (since: number) => (performance.now() - since) / 1000;

export const pcaSamplerBaseline: GenerationBaselineDefinition = {
  name: "pca-sampler",
  title: "PCA eigenportrait sampler",
  description: `Mean portrait + the top 64 principal directions of ${PCA_IMAGES.toLocaleString("en-US")} train images, scaled by their standard deviations: a Gaussian model of the pixels (blurry, honest, diverse).`,
  quick: true,
  async run({ cacheDir }) {
    const t = performance.now();
    const reader = await openTrainImageReader({ cacheDir });
    try {
      const rows = shuffledRange({ count: reader.count, seed: ROW_ORDER_SEED }).subarray(0, Math.min(PCA_IMAGES, reader.count));
      const pca = await fitEigenportraits({ images: await reader.read(rows), count: rows.length });
      const model = buildLinearGenerator({ mean: pca.mean, basis: pca.basis, name: "pca_eigenportraits" });
      return {
        ...model,
        trainSeconds: seconds(t),
        summary: `fitted on ${rows.length} train images; 64 directions hold ${(pca.explained * 100).toFixed(1)}% of the pixel variance`,
      };
    } finally {
      await reader.close();
    }
  },
};

export const trainResamplingBaseline: GenerationBaselineDefinition = {
  name: "train-resampling",
  title: "Train-set resampling",
  description: `Returns one of ${RESAMPLING_IMAGES} train images, picked by the latent: what copying the training data scores, and the memorisation penalty that catches it.`,
  quick: true,
  async run({ cacheDir }) {
    const t = performance.now();
    const reader = await openTrainImageReader({ cacheDir });
    try {
      const order = shuffledRange({ count: reader.count, seed: ROW_ORDER_SEED });
      const from = Math.min(PCA_IMAGES, Math.max(0, reader.count - RESAMPLING_IMAGES));
      const rows = order.subarray(from, Math.min(reader.count, from + RESAMPLING_IMAGES));
      const model = buildResamplingGenerator({ images: await reader.read(rows), count: rows.length, name: "train_resampling" });
      return { ...model, trainSeconds: seconds(t), summary: `a table of ${rows.length} train images` };
    } finally {
      await reader.close();
    }
  },
};

export const vaeBaseline: GenerationBaselineDefinition = {
  name: "vae",
  title: "Convolutional VAE",
  description:
    "A small convolutional VAE (36x28 working resolution, 64-d latent) trained from scratch in TypeScript on the CPU with the ONNX training engine; its decoder is the generator, sampling from a Gaussian fitted to the training images' latent codes.",
  quick: false,
  async run({ cacheDir, epochs, seed, onEpoch }) {
    const trained = await trainVaeGenerator({ cacheDir, epochs: epochs ?? DEFAULT_VAE_EPOCHS, seed, onEpoch });
    const m = trained.metrics;
    return {
      onnx: trained.onnx,
      manifest: trained.manifest,
      trainSeconds: m.trainSeconds,
      summary: `${m.epochs} epochs on ${m.trainImages} train images, reconstruction RMSE ${m.last.rmse255.toFixed(1)}/255 at 36x28, KL ${m.last.kl.toFixed(1)} nats`,
    };
  },
};

/** In the order they run: the quick ones first. */
export const GENERATION_BASELINES: readonly GenerationBaselineDefinition[] = [pcaSamplerBaseline, trainResamplingBaseline, vaeBaseline];

export function findGenerationBaseline(name: string): GenerationBaselineDefinition | undefined {
  return GENERATION_BASELINES.find((b) => b.name === name);
}
