import fs from "node:fs";
import path from "node:path";
import { createGeneratorModel, GENERATOR_HEIGHT, GENERATOR_POOL, GENERATOR_WIDTH } from "./create-generator-model";
import { KitError } from "./kit-error";
import { parsePositiveFlag, parseWholeFlag } from "./parse-number-flag";
import { parseTrainingFlags, type TrainingFlags } from "./parse-training-flags";
import { runKitCommand } from "./run-kit-command";
import { locateCheckedDownloads } from "./locate-checked-downloads";
import {
  createVaeTrainer,
  fitLatentGaussian,
  GENERATOR_LATENT_SIZE,
  generatorManifestSchema,
  IMAGE_CHANNELS,
  mulberry32,
  poolPortrait,
} from "./platform";
import { readTrainSet } from "./read-train-set";
import { writeZip } from "./write-zip";

/**
 * Tiny Portraits starter kit, generation track: trains a small convolutional VAE on the
 * downloaded train images with the platform's ONNX training engine (onnxruntime on the CPU) and
 * writes a generator submission, tiny-portraits-generator.zip (model.onnx: the decoder, latent
 * [N, 64] in, [N, 108, 84, 3] images in [0, 1] out; manifest.json). Run
 * `npm run train-generator -- --help`.
 */

const USAGE = `Usage: npm run train-generator -- [options]

  --data DIR              folder with the downloads (default: data)
  --out DIR               where the generator zip goes (default: out)
  --epochs N              passes over the training images (default: 4)
  --batch-size N          images per training step (default: 64)
  --learning-rate X       Adam learning rate (default: 0.002)
  --width N               channels of the VAE's first conv (default: 16; 32 is ~4x the work)
  --sigma X               pixel noise of the likelihood, in [0, 1] units (default: 0.1; lower = sharper, less regular)
  --max-train-images N    train on a random subset of N images (default: all)
  --seed N                seed of the subset, shuffles, noise and initial weights (default: 1)
  --threads N             CPU threads of onnxruntime (default: all cores)
  --skip-checksums        do not check the zips against SHA256SUMS
  --help                  this text`;

interface Args extends TrainingFlags {
  width: number;
  sigma: number;
}

function parse(argv: string[]): Args | "help" {
  const parsed = parseTrainingFlags({
    argv,
    usage: USAGE,
    defaults: { epochs: 4, batchSize: 64 },
    minBatchSize: 2,
    own: { width: "16", sigma: "0.1" },
  });
  if (parsed === "help") return "help";
  const { flags, own } = parsed;
  return { ...flags, width: parseWholeFlag("width", own.width, 1), sigma: parsePositiveFlag("sigma", own.sigma, 1) };
}

const PIXELS = GENERATOR_HEIGHT * GENERATOR_WIDTH * IMAGE_CHANNELS;

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  if (args === "help") {
    console.log(USAGE);
    return;
  }
  const downloads = await locateCheckedDownloads({ dir: args.data, skipChecksums: args.skipChecksums });
  const train = await readTrainSet({ source: downloads.train, maxImages: args.maxTrainImages, seed: args.seed });
  const count = train.images.length;
  if (count < args.batchSize) throw new KitError(`${count} train images are fewer than one batch of ${args.batchSize}`);
  const pooled = new Uint8Array(count * PIXELS);
  train.images.forEach((image, i) => poolPortrait({ src: image, from: 0, dst: pooled, to: i * PIXELS, pool: GENERATOR_POOL }));
  console.log(`read ${count} train images (working at ${GENERATOR_HEIGHT}x${GENERATOR_WIDTH})`);

  const spec = createGeneratorModel({ width: args.width });
  const trainer = await createVaeTrainer({ spec, seed: args.seed, threads: args.threads }).catch((e: Error) => {
    throw new KitError(`onnxruntime could not start (${e.message})\nRun \`npm install\` in the kit's folder (again) and retry.`);
  });
  const random = mulberry32(args.seed + 1);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  const steps = Math.floor(count / args.batchSize);
  const x = new Float32Array(args.batchSize * PIXELS);
  const lastMeans = new Float32Array(steps * args.batchSize * GENERATOR_LATENT_SIZE);
  try {
    for (let epoch = 1; epoch <= args.epochs; epoch++) {
      const started = performance.now();
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      let reconstruction = 0;
      let kl = 0;
      for (let s = 0; s < steps; s++) {
        // The batch in [0, 1], each image flipped left-right with probability 1/2.
        for (let b = 0; b < args.batchSize; b++) {
          const src = order[s * args.batchSize + b] * PIXELS;
          const flip = random() < 0.5;
          for (let yy = 0; yy < GENERATOR_HEIGHT; yy++)
            for (let xx = 0; xx < GENERATOR_WIDTH; xx++) {
              const sx = flip ? GENERATOR_WIDTH - 1 - xx : xx;
              for (let c = 0; c < IMAGE_CHANNELS; c++)
                x[b * PIXELS + (yy * GENERATOR_WIDTH + xx) * IMAGE_CHANNELS + c] =
                  pooled[src + (yy * GENERATOR_WIDTH + sx) * IMAGE_CHANNELS + c] / 255;
            }
        }
        const step = (epoch - 1) * steps + s;
        const progress = step / (args.epochs * steps);
        const r = await trainer.step({
          x,
          count: args.batchSize,
          reconstructionWeight: 1 / (2 * args.sigma ** 2),
          // KL warm-up over the first epoch; cosine decay of the learning rate.
          klWeight: Math.min(1, (step + 1) / steps),
          learningRate: args.learningRate * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * progress))),
        });
        reconstruction += r.reconstruction;
        kl += r.kl;
        if (epoch === args.epochs) lastMeans.set(r.mu, s * args.batchSize * GENERATOR_LATENT_SIZE);
      }
      const seconds = (performance.now() - started) / 1000;
      const rmse = 255 * Math.sqrt(reconstruction / steps / PIXELS);
      console.log(
        `epoch ${epoch}/${args.epochs}  reconstruction RMSE ${rmse.toFixed(2)}/255  KL ${(kl / steps).toFixed(1)} nats  ${((steps * args.batchSize) / seconds).toFixed(0)} images/s`,
      );
    }
    // The platform feeds N(0, I) latents; a Gaussian fitted to the training images' latent means
    // sends them where the decoder was trained (sharper, more typical samples).
    const gaussian = fitLatentGaussian({ samples: lastMeans, size: GENERATOR_LATENT_SIZE });
    const onnx = trainer.exportDecoder({ latentTransform: gaussian, upscale: GENERATOR_POOL, inputName: "latent", outputName: "images" });
    const manifest = generatorManifestSchema.parse({
      format: "onnx",
      model: "model.onnx",
      latent: { input: "latent", size: GENERATOR_LATENT_SIZE },
      output: { name: "images", layout: "NHWC", range: "[0,1]" },
      name: "starter-kit VAE",
    });
    fs.mkdirSync(args.out, { recursive: true });
    const file = path.join(args.out, "tiny-portraits-generator.zip");
    await writeZip({ file, files: { "manifest.json": `${JSON.stringify(manifest, null, 2)}\n`, "model.onnx": Buffer.from(onnx) } });
    console.log(`wrote ${file}: submit it to the generation track as a generator (model.onnx + manifest.json)`);
  } finally {
    await trainer.close();
  }
}

runKitCommand(main);
