import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { cosineLearningRate } from "../baselines/cosine-learning-rate";
import { openTrainImageReader } from "../baselines/open-train-image-reader";
import { createRandom, shuffledRange, shuffleInPlace } from "../baselines/split-holdout";
import { createVaeTrainer } from "../ml/onnx-training/create-vae-trainer";
import { countLayerFlops, describeLayers } from "../ml/onnx-training/network-spec";
import type { VaeSpec } from "../ml/onnx-training/vae-spec";
import { generatorManifest } from "./build-linear-generator";
import { fitLatentGaussian } from "./fit-latent-gaussian";
import { poolPortrait } from "./pool-portrait";
import { GENERATOR_LATENT_SIZE, type GeneratorManifest } from "./generator-manifest";

/**
 * The generation track's network baseline: a small convolutional VAE trained with the ONNX
 * training engine (lib/ml/onnx-training: one forward + backward graph per step in
 * onnxruntime-node, Adam in JavaScript) on the prepared train split, exported as a generator
 * (its decoder: latent [N, 64] in, [N, 108, 84, 3] in [0, 1] out).
 *
 * - It works at a third of the resolution (36 x 28, each 3 x 3 block averaged): nine times fewer
 *   pixels to decode makes it minutes on two cores, not an hour, and the decoder's output is
 *   scaled back up by the exported graph (nearest neighbour). The feature network the track
 *   scores with averages 3 x 3 blocks of its input first (lib/baselines/cnn.ts), so it sees no
 *   detail the VAE could have added at full size; a person looking at the gallery does.
 * - Loss: squared error in [0, 1] pixels weighted 1 / (2 sigma^2) (a Gaussian likelihood,
 *   sigma = 0.035 by default) plus the KL term, warmed up over the first epoch; horizontal flips.
 * - Sampling: the platform's latents are standard normal, but a VAE's aggregate posterior is not
 *   the prior. After training, a Gaussian is fitted to the training images' posterior means
 *   (fit-latent-gaussian.ts) and folded into the exported decoder (a "two-stage" VAE, Dai and
 *   Wipf 2019; Ghosh et al. 2020): latents land where the decoder was trained.
 */

/**
 * Train images per run (a seeded subset; 16,000 = the whole synthetic default): 16,000 x 6 epochs
 * at width 16 took 17 minutes on two loaded cores (60-170 images/s); fewer images or epochs
 * scored worse (docs/generation-track.md has the measurements).
 */
export const DEFAULT_VAE_TRAIN_IMAGES = 16_000;

/** The resolution the VAE works at: the image averaged over 3 x 3 blocks. */
export const VAE_POOL = 3;
export const VAE_HEIGHT = IMAGE_HEIGHT / VAE_POOL;
export const VAE_WIDTH = IMAGE_WIDTH / VAE_POOL;

/** The VAE's architecture; `width` scales the channel counts (tests and the starter kit's quick runs use a small one). */
export function vaeGeneratorSpec(options: { width?: number; name?: string } = {}): VaeSpec {
  const w = options.width ?? 16;
  const conv = (name: string, filters: number) => ({ kind: "conv" as const, name, filters, kernel: 3 });
  const block = (name: string, filters: number) =>
    [conv(name, filters), { kind: "batchNorm" as const, name: `${name}_bn` }, { kind: "relu" as const }] as const;
  const h = VAE_HEIGHT / 4;
  const wd = VAE_WIDTH / 4;
  return {
    name: options.name ?? "vae_generator",
    input: [VAE_HEIGHT, VAE_WIDTH, IMAGE_CHANNELS],
    latent: GENERATOR_LATENT_SIZE,
    encoder: [
      ...block("enc1", w),
      { kind: "maxPool", size: 2 },
      ...block("enc2", 2 * w),
      { kind: "maxPool", size: 2 },
      ...block("enc3", 2 * w),
      { kind: "flatten" },
    ],
    decoder: [
      { kind: "dense", name: "dec_in", units: 2 * w * h * wd },
      { kind: "reshape", shape: [2 * w, h, wd] },
      { kind: "batchNorm", name: "dec_in_bn" },
      { kind: "relu" },
      { kind: "upsample", size: 2 },
      ...block("dec1", 2 * w),
      { kind: "upsample", size: 2 },
      ...block("dec2", w),
      { kind: "conv", name: "dec_out", filters: IMAGE_CHANNELS, kernel: 3, bias: true },
      { kind: "sigmoid" },
    ],
  };
}

export interface VaeEpochReport {
  epoch: number;
  epochs: number;
  /** Mean per image over the epoch: squared error (in [0, 1] pixels, summed over the 36x28x3 values) and KL (nats). */
  reconstruction: number;
  kl: number;
  /** Root mean squared error per pixel value, in 0..255 units. */
  rmse255: number;
  imagesPerSecond: number;
  seconds: number;
}

export interface TrainVaeGeneratorResult {
  onnx: Uint8Array;
  manifest: GeneratorManifest;
  metrics: {
    epochs: number;
    trainImages: number;
    trainSeconds: number;
    width: number;
    parameters: number;
    /** Forward multiply-adds x 2 per image, encoder + decoder. */
    flopsPerImage: number;
    last: VaeEpochReport;
    /** Share of the latent variance in the top direction of the fitted Gaussian and its effective rank. */
    latent: { effectiveRank: number; meanVariance: number };
  };
}

export async function trainVaeGenerator(options: {
  cacheDir: string;
  epochs?: number;
  /** Train on at most this many train images (tests, quick runs). */
  maxTrainImages?: number;
  batchSize?: number;
  learningRate?: number;
  /** Std of the Gaussian likelihood in [0, 1] pixels (default 0.1). */
  sigma?: number;
  width?: number;
  seed?: number;
  threads?: number;
  /** Upscaling of the exported decoder's output (default nearest: what the feature network sees exactly). */
  upscaleMode?: "nearest" | "linear";
  onEpoch?: (report: VaeEpochReport) => void;
}): Promise<TrainVaeGeneratorResult> {
  const epochs = options.epochs ?? 6;
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 1;
  const sigma = options.sigma ?? 0.035;
  const width = options.width ?? 16;
  const spec = vaeGeneratorSpec({ width });
  const started = performance.now();
  const images = await readPooledTrainImages({ cacheDir: options.cacheDir, max: options.maxTrainImages ?? DEFAULT_VAE_TRAIN_IMAGES, seed });
  const count = images.length / POOLED_BYTES;
  if (count < batchSize) throw new Error(`the VAE needs at least ${batchSize} train images, got ${count}`);
  const trainer = await createVaeTrainer({ spec, seed, threads: options.threads });
  const random = createRandom(seed + 1);
  const order = shuffledRange({ count, seed: seed + 2 });
  const stepsPerEpoch = Math.floor(count / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const x = new Float32Array(batchSize * POOLED_BYTES);
  const lastMus = new Float32Array(stepsPerEpoch * batchSize * GENERATOR_LATENT_SIZE);
  let last: VaeEpochReport | undefined;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const t0 = performance.now();
      shuffleInPlace(order, random);
      let rec = 0;
      let kl = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        fillBatch({ images, rows: order.subarray(s * batchSize, (s + 1) * batchSize), x, random });
        const step = epoch * stepsPerEpoch + s;
        const r = await trainer.step({
          x,
          count: batchSize,
          reconstructionWeight: 1 / (2 * sigma * sigma),
          klWeight: Math.min(1, (step + 1) / stepsPerEpoch),
          learningRate: cosineLearningRate({ step, totalSteps, peak: options.learningRate ?? 2e-3 }),
        });
        rec += r.reconstruction;
        kl += r.kl;
        if (epoch === epochs - 1) lastMus.set(r.mu, s * batchSize * GENERATOR_LATENT_SIZE);
      }
      const seconds = (performance.now() - t0) / 1000;
      last = {
        epoch: epoch + 1,
        epochs,
        reconstruction: rec / stepsPerEpoch,
        kl: kl / stepsPerEpoch,
        rmse255: 255 * Math.sqrt(rec / stepsPerEpoch / POOLED_BYTES),
        imagesPerSecond: (stepsPerEpoch * batchSize) / seconds,
        seconds,
      };
      options.onEpoch?.(last);
    }
    const gaussian = fitLatentGaussian({ samples: lastMus, size: GENERATOR_LATENT_SIZE });
    const onnx = trainer.exportDecoder({
      latentTransform: { mean: gaussian.mean, matrix: gaussian.matrix },
      upscale: VAE_POOL,
      upscaleMode: options.upscaleMode ?? "nearest",
    });
    const encoder = describeLayers({ name: spec.name, input: spec.input, layers: spec.encoder });
    const decoder = describeLayers({ name: spec.name, input: [spec.latent], layers: spec.decoder });
    return {
      onnx,
      manifest: generatorManifest({ name: "vae", range: "[0,1]" }),
      metrics: {
        epochs,
        trainImages: count,
        trainSeconds: (performance.now() - started) / 1000,
        width,
        parameters: trainer.layout.parameters.reduce((s, p) => s + p.size, 0),
        flopsPerImage:
          countLayerFlops({ layers: spec.encoder, layout: encoder }) +
          countLayerFlops({ layers: spec.decoder, layout: decoder }) +
          2 * trainer.layout.features * 2 * spec.latent,
        last: last!,
        latent: { effectiveRank: gaussian.effectiveRank, meanVariance: gaussian.meanVariance },
      },
    };
  } finally {
    await trainer.close();
  }
}

const POOLED_BYTES = VAE_HEIGHT * VAE_WIDTH * IMAGE_CHANNELS;

/** Up to `max` train images (a seeded random subset), each averaged over 3 x 3 blocks, as bytes (36 x 28 x 3 each). */
async function readPooledTrainImages(options: { cacheDir: string; max?: number; seed: number }): Promise<Uint8Array> {
  const reader = await openTrainImageReader({ cacheDir: options.cacheDir });
  try {
    const count = Math.min(reader.count, options.max ?? reader.count);
    const rows = shuffledRange({ count: reader.count, seed: options.seed }).subarray(0, count);
    const out = new Uint8Array(count * POOLED_BYTES);
    const chunk = 512;
    const buffer = new Uint8Array(chunk * IMAGE_BYTES);
    for (let start = 0; start < count; start += chunk) {
      const part = rows.subarray(start, Math.min(count, start + chunk));
      const raw = await reader.read(part, buffer);
      for (let i = 0; i < part.length; i++)
        poolPortrait({ src: raw, from: i * IMAGE_BYTES, dst: out, to: (start + i) * POOLED_BYTES, pool: VAE_POOL });
    }
    return out;
  } finally {
    await reader.close();
  }
}

/** The batch's images as floats in [0, 1], each flipped left-right with probability 1/2. */
function fillBatch(options: { images: Uint8Array; rows: ArrayLike<number>; x: Float32Array; random: () => number }): void {
  const { images, rows, x, random } = options;
  const C = IMAGE_CHANNELS;
  for (let i = 0; i < rows.length; i++) {
    const src = rows[i] * POOLED_BYTES;
    const dst = i * POOLED_BYTES;
    const flip = random() < 0.5;
    for (let y = 0; y < VAE_HEIGHT; y++)
      for (let xx = 0; xx < VAE_WIDTH; xx++) {
        const sx = flip ? VAE_WIDTH - 1 - xx : xx;
        for (let c = 0; c < C; c++) x[dst + (y * VAE_WIDTH + xx) * C + c] = images[src + (y * VAE_WIDTH + sx) * C + c] / 255;
      }
  }
}
