import fs from "node:fs";
import path from "node:path";
import { createModel } from "./create-model";
import { KitError } from "./kit-error";
import { parseTrainingFlags, type TrainingFlags } from "./parse-training-flags";
import { runKitCommand } from "./run-kit-command";
import { locateCheckedDownloads } from "./locate-checked-downloads";
import { ATTRIBUTES, countNetworkFlops, createOnnxTrainer, mulberry32 } from "./platform";
import { predictLabels } from "./predict-labels";
import { readTestSet } from "./read-test-set";
import { readTrainSet } from "./read-train-set";
import { trainModel, type EpochReport } from "./train-model";
import { writeModelBundle } from "./write-model-bundle";
import { writePredictionsCsv } from "./write-predictions-csv";

/**
 * Tiny Portraits starter kit: trains a small multitask CNN on the downloaded train split with the
 * platform's ONNX training engine (onnxruntime on the CPU) and writes the two things the challenge
 * accepts, a model bundle (tiny-portraits-model.zip: model.onnx + manifest.json) and a
 * predictions CSV for the test images (predictions.csv). Run `npm run train -- --help`.
 */

const USAGE = `Usage: npm run train -- [options]

  --data DIR              folder with the downloads (default: data)
  --out DIR               where the model bundle and predictions CSV go (default: out)
  --epochs N              passes over the training images (default: 3)
  --batch-size N          images per training step (default: 32)
  --learning-rate X       Adam learning rate (default: 0.002)
  --max-train-images N    train on a random subset of N images (default: all)
  --validation F          fraction of the train images held out to validate (default: 0.1; 0: none)
  --seed N                seed of the subset, split, shuffles and initial weights (default: 1)
  --threads N             CPU threads of onnxruntime (default: all cores)
  --skip-checksums        do not check the zips against SHA256SUMS
  --help                  this text`;

interface TrainArgs extends TrainingFlags {
  validation: number;
}

function parseTrainArgs(argv: string[]): TrainArgs | "help" {
  const parsed = parseTrainingFlags({
    argv,
    usage: USAGE,
    defaults: { epochs: 3, batchSize: 32 },
    minBatchSize: 1,
    own: { validation: "0.1" },
  });
  if (parsed === "help") return "help";
  const validation = Number(parsed.own.validation);
  if (!(validation >= 0 && validation < 1))
    throw new KitError(`--validation expects a fraction from 0 up to (not including) 1, got "${parsed.own.validation}"`);
  return { ...parsed.flags, validation };
}

/** One status line that rewrites itself on a terminal, and prints only when done elsewhere (logs). */
function progressLine(text: string, done: boolean): void {
  if (process.stdout.isTTY) process.stdout.write(`\r${text.padEnd(100)}${done ? "\n" : ""}`);
  else if (done) console.log(text);
}

const f2 = (v: number | null | undefined) => (v === null || v === undefined ? "-" : v.toFixed(3));

function describeEpoch(r: EpochReport, epochs: number): string {
  const base = `epoch ${r.epoch}/${epochs}  loss ${r.loss.toFixed(4)}  ${r.imagesPerSecond.toFixed(0)} images/s`;
  if (!r.validation) return base;
  const v = r.validation;
  return `${base}  validation macro-F1: ${ATTRIBUTES.map((a) => `${a} ${f2(v.macroF1[a])}`).join(", ")}, main ${f2(v.main)}`;
}

async function main(): Promise<void> {
  const args = parseTrainArgs(process.argv.slice(2));
  if (args === "help") {
    console.log(USAGE);
    return;
  }
  const downloads = await locateCheckedDownloads({ dir: args.data, skipChecksums: args.skipChecksums });

  const train = await readTrainSet({
    source: downloads.train,
    maxImages: args.maxTrainImages,
    seed: args.seed,
    onProgress: (done, total) => done % 500 === 0 && progressLine(`reading train images ${done}/${total}`, false),
  });
  progressLine(`read ${train.images.length} train images`, true);

  // Hold out a seeded random part of the train images to see how training generalises.
  const random = mulberry32(args.seed + 1);
  const order = Int32Array.from(train.images.keys());
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const held = args.validation > 0 ? Math.min(order.length - 1, Math.max(1, Math.round(order.length * args.validation))) : 0;
  const validationRows = order.slice(0, held);
  const trainRows = order.slice(held);
  console.log(`training on ${trainRows.length} images${held ? `, validating on ${held}` : ""}`);

  const spec = createModel();
  // Momentum 0.9 rather than Keras's 0.99: the running statistics the saved model predicts with
  // must settle within the few hundred steps of a short run.
  const trainer = await createOnnxTrainer({ spec, seed: args.seed, threads: args.threads, batchNormMomentum: 0.9 }).catch((e: Error) => {
    throw new KitError(`onnxruntime could not start (${e.message})\nRun \`npm install\` in the kit's folder (again) and retry.`);
  });
  console.log(
    `model ${spec.name}: ${(countNetworkFlops(spec) / 1e6).toFixed(1)} MFLOP per image, training with onnxruntime on ${args.threads} thread${args.threads === 1 ? "" : "s"}`,
  );
  try {
    await trainModel({
      trainer,
      images: train.images,
      labels: train.labels,
      trainRows,
      validationRows,
      epochs: args.epochs,
      batchSize: args.batchSize,
      learningRate: args.learningRate,
      seed: args.seed,
      onBatch: (b) => progressLine(`epoch ${b.epoch}/${args.epochs}  ${b.images}/${b.total} images  loss ${b.loss.toFixed(4)}`, false),
      onEpoch: (r) => progressLine(describeEpoch(r, args.epochs), true),
    });

    fs.mkdirSync(args.out, { recursive: true });
    const bundle = path.join(args.out, "tiny-portraits-model.zip");
    await writeModelBundle({ trainer, file: bundle });
    console.log(`wrote ${bundle}: submit it as a model (it contains model.onnx and manifest.json)`);

    const test = await readTestSet({ source: downloads.test, sampleSubmission: downloads.sampleSubmission });
    const csv = path.join(args.out, "predictions.csv");
    const predictor = await trainer.createPredictor();
    try {
      writePredictionsCsv({ file: csv, ids: test.ids, predicted: await predictLabels({ predictor, images: test.images }) });
    } finally {
      await predictor.close();
    }
    console.log(`wrote ${csv}: predictions for the ${test.ids.length} test images, submit it as a predictions CSV`);
  } finally {
    await trainer.close();
  }
}

runKitCommand(main);
