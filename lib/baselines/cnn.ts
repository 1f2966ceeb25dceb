import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ATTRIBUTES, CLASSES, IMAGE_BYTES, REAL_DATASET, type Attribute } from "../challenge/definition";
import { readTrainLabels } from "../dataset/read-train-labels";
import { createZipWriter } from "../zip/create-zip-writer";
import { createOnnxTrainer, type OnnxTrainer } from "../ml/onnx-training/create-onnx-trainer";
import { buildInferenceGraph } from "../ml/onnx-training/build-inference-graph";
import type { NetworkState } from "../ml/onnx-training/init-parameters";
import type { NetworkSpec } from "../ml/onnx-training/network-spec";
import { referenceNetworkSpec } from "../ml/onnx-training/reference-network-spec";
import { saveOnnxBundle } from "../ml/onnx-training/save-onnx-bundle";
import type { ReferenceCnnOptions } from "../ml/reference-cnn";
import { cosineLearningRate } from "./cosine-learning-rate";
import { describeCnnConfig } from "./describe-cnn-config";
import { encodeTrainLabels } from "./encode-train-labels";
import { evaluatePredictions } from "./evaluate-predictions";
import { normaliseImages } from "./normalise-images";
import { openTrainImageReader, type TrainImageReader } from "./open-train-image-reader";
import { balancedClassWeights } from "./softmax-regression";
import { createRandom, shuffleInPlace, splitHoldout } from "./split-holdout";
import { tuneClassOffsets } from "./tune-class-offsets";
import type { BaselineArtifact, BaselineDefinition, BaselineRunOptions, EncodedLabels, ValidationReport } from "./types";

/**
 * The multitask CNN baseline: a shared conv trunk with one softmax head per attribute, trained
 * from scratch in TypeScript on the CPU with the ONNX training engine (lib/ml/onnx-training: the
 * whole forward + backward step is one ONNX graph run by onnxruntime-node on both cores, Adam in
 * JavaScript). Class-weighted cross-entropy per head (n/a rows are ignored by that head), light
 * augmentation (flip, shift, exposure), Adam with a warm-up and cosine decay, validation on the
 * held-out 10% after every epoch; the best epoch's weights are the ones submitted. Submitted as
 * an ONNX bundle (model.onnx with batch norm folded into the convs, and its manifest), so the
 * scorer runs it in the sandbox like any participant's model.
 *
 * The model is CNN_BASELINE_MODEL below, the reference CNN's layers (lib/ml/reference-cnn.ts,
 * lib/ml/onnx-training/reference-network-spec.ts): its four conv blocks behind a 3x3 average
 * pooling of the input (36x28, about a fifth of the reference's FLOPs per image, which buys
 * epochs) and a flatten head (passport framing makes where a feature is informative).
 * describeCnnConfig turns the configuration into the leaderboard description; the choices are
 * measured in docs/decisions/0005-cnn-baseline.md.
 *
 * Memory: images are read from cache/train.u8 one shuffled batch at a time (the next batch is
 * read and normalised while onnxruntime computes the current one), so the process stays at a
 * few hundred MB whatever the dataset's size (the real train cache is 2.9 GB).
 */
/** The baseline's architecture: the reference CNN's blocks on a 3x3 average-pooled input, flatten head. */
export const CNN_BASELINE_MODEL: ReferenceCnnOptions = {
  inputPool: 3,
  channels: [16, 32, 64, 128],
  head: "flatten",
  denseUnits: 64,
  dropout: 0.25,
  name: "cnn_baseline",
};

export const cnnBaseline: BaselineDefinition = {
  name: "cnn",
  title: "Multitask CNN",
  description: `${describeCnnConfig(CNN_BASELINE_MODEL)}; trained from scratch in TypeScript on the CPU (one ONNX graph per training step in onnxruntime), class-weighted losses, flip/shift/exposure augmentation.`,
  // 8 (6 with the tfjs trainer): the ONNX engine trains 8 epochs in about half the time tfjs took
  // for 6, and the 7th and 8th epochs still gain (docs/decisions/0005, results on the ONNX engine).
  defaultEpochs: 8,
  run: runCnnBaseline,
};

export interface CnnRunOptions extends BaselineRunOptions {
  /** Train on only this many of the training rows (tests). */
  maxTrainImages?: number;
  /** onnxruntime intra-op threads (default: 2 when the machine has 2 cores or more, else 1). */
  threads?: number;
  batchSize?: number;
  /** Peak learning rate of Adam (default 3e-3). */
  learningRate?: number;
  /** Architecture overrides (experiments). */
  model?: ReferenceCnnOptions;
  /** Tune per-class offsets of the heads for macro-F1 on the held-out rows (default true). */
  tuneOffsets?: boolean;
  /** Receives the submitted weights (the best epoch's) before they are saved: the generation track's feature network is built from them. */
  onTrained?: (trained: { spec: NetworkSpec; state: NetworkState }) => void;
}

/** 128, as measured with the tfjs trainer (docs/decisions/0005); the engine's per-step cost is small too. */
const BATCH = 128;
const LEARNING_RATE = 3e-3;
/** Images read and normalised per validation step. */
const PREDICT_BATCH = 128;
const MEAN = REAL_DATASET.mean;
const STD = REAL_DATASET.std;

interface LoadedBatch {
  x: Float32Array;
  rows: Int32Array;
}

export async function runCnnBaseline(options: CnnRunOptions): Promise<BaselineArtifact> {
  const started = performance.now();
  const { cacheDir } = options;
  const epochs = Math.max(1, options.epochs ?? cnnBaseline.defaultEpochs);
  const seed = options.seed ?? 1;
  const batchSize = options.batchSize ?? BATCH;
  const threads = options.threads ?? ((os.availableParallelism?.() ?? os.cpus().length) >= 2 ? 2 : 1);
  const labels = encodeTrainLabels({ rows: await readTrainLabels(cacheDir) });
  const reader = await openTrainImageReader({ cacheDir });
  if (reader.count !== labels.Gender.length)
    throw new Error(`train cache has ${reader.count} images but ${labels.Gender.length} label rows`);
  const split = splitHoldout({ count: reader.count, seed });
  const trainRows = options.maxTrainImages ? split.train.slice(0, options.maxTrainImages) : split.train;
  // Balanced class weights (capped: a handful of bald images must not dominate), divided by the
  // number of heads so the reported loss is the mean over the attributes.
  const weights = {} as Record<Attribute, Float64Array>;
  for (const a of ATTRIBUTES) {
    weights[a] = balancedClassWeights({ labels: labels[a], rows: trainRows, classes: CLASSES[a].length, cap: 10 }).map(
      (w) => w / ATTRIBUTES.length,
    );
  }

  const spec = referenceNetworkSpec({ ...CNN_BASELINE_MODEL, ...options.model });
  const peak = options.learningRate ?? LEARNING_RATE;
  const trainer = await createOnnxTrainer({ spec, seed, threads });
  const random = createRandom(seed + 2);
  const order = Int32Array.from(trainRows);
  const batches = Math.ceil(order.length / batchSize);
  const totalSteps = epochs * batches;

  const loadBatch = async (b: number): Promise<LoadedBatch> => {
    const rows = order.slice(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
    const pixels = await reader.read(rows);
    return { x: normaliseImages({ pixels, count: rows.length, mean: MEAN, std: STD, augment: { random } }), rows };
  };

  let validation: ValidationReport | undefined;
  let best:
    | { main: number; epoch: number; state: NetworkState; validation: ValidationReport; probabilities: Record<Attribute, Float32Array> }
    | undefined;
  let step = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-cnn-"));
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      shuffleInPlace(order, random);
      const epochStarted = performance.now();
      let lossSum = 0;
      let images = 0;
      // The next batch is read and normalised while onnxruntime computes the current one.
      let next = loadBatch(0);
      for (let b = 0; b < batches; b++) {
        const batch = await next;
        if (b + 1 < batches) next = loadBatch(b + 1);
        const result = await trainer.step({
          x: batch.x,
          count: batch.rows.length,
          heads: ATTRIBUTES.map((a) => ({ labels: Array.from(batch.rows, (row) => labels[a][row]), classWeights: weights[a] })),
          learningRate: cosineLearningRate({ step, totalSteps, peak }),
        });
        step++;
        lossSum += result.loss;
        images += batch.rows.length;
        const seconds = (performance.now() - epochStarted) / 1000;
        options.onBatch?.({ epoch, epochs, images, imagesTotal: order.length, imagesPerSecond: images / seconds, loss: lossSum / (b + 1) });
      }
      const imagesPerSecond = images / ((performance.now() - epochStarted) / 1000);
      const checked = await validateModel({ trainer, reader, labels, rows: split.holdout });
      validation = checked.report;
      if (!best || validation.main > best.main)
        best = { main: validation.main, epoch, state: snapshotState(trainer.state), validation, probabilities: checked.probabilities };
      options.onEpoch?.({ epoch, epochs, loss: lossSum / batches, validation, imagesPerSecond });
    }

    // The best epoch's weights (batch-norm statistics included) are the ones submitted.
    const state = best?.state ?? trainer.state;
    let tuned = "";
    if (best && options.tuneOffsets !== false) {
      const offsets = foldClassOffsets({ state, labels, rows: split.holdout, probabilities: best.probabilities });
      tuned = `; per-class offsets tuned on the held-out rows: main ${best.validation.main.toFixed(4)} -> ${offsets.main.toFixed(4)}`;
      best.validation = offsets;
    }
    options.onTrained?.({ spec, state });
    const saved = saveOnnxBundle({
      dir: path.join(dir, "model"),
      spec,
      onnx: buildInferenceGraph({ spec, state }),
      scale: 1 / 255,
      mean: MEAN,
      std: STD,
      name: "cnn baseline",
      description: `best epoch ${best?.epoch ?? epochs} of ${epochs}${tuned}`,
    });
    const zipPath = path.join(dir, "cnn.zip");
    const zip = await createZipWriter(zipPath);
    for (const file of [saved.modelFile, saved.manifestFile]) await zip.add(path.basename(file), fs.readFileSync(file), { compress: true });
    await zip.finish();
    return {
      kind: "model",
      fileName: "cnn.zip",
      bytes: fs.readFileSync(zipPath),
      validation: best?.validation ?? validation!,
      trainSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    await trainer.close();
    await reader.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function snapshotState(state: NetworkState): NetworkState {
  const copy = (m: Map<string, Float32Array>) => new Map([...m].map(([k, v]) => [k, Float32Array.from(v)] as const));
  return { parameters: copy(state.parameters), runningMean: copy(state.runningMean), runningVar: copy(state.runningVar) };
}

/**
 * Tunes each head's per-class offsets for macro-F1 on the held-out probabilities
 * (tune-class-offsets.ts) and adds them to the head's bias in `state`: softmax(z + b + d) ranks
 * the classes like log p + d. Returns the held-out report with the offsets applied (optimistic:
 * the same rows chose them).
 */
function foldClassOffsets(options: {
  state: NetworkState;
  labels: EncodedLabels;
  rows: Int32Array;
  probabilities: Record<Attribute, Float32Array>;
}): ValidationReport {
  const { state, labels, rows, probabilities } = options;
  const offsets = {} as Record<Attribute, Float64Array>;
  for (const a of ATTRIBUTES) {
    const truth = Array.from(rows, (row) => labels[a][row]);
    offsets[a] = tuneClassOffsets({ probabilities: probabilities[a], truth, classes: CLASSES[a] }).offsets;
    const bias = state.parameters.get(`${a}.bias`);
    if (!bias) throw new Error(`head ${a} has no bias to fold the offsets into`);
    for (let c = 0; c < bias.length; c++) bias[c] += offsets[a][c];
  }
  const position = new Map<number, number>();
  rows.forEach((row, i) => position.set(row, i));
  return evaluatePredictions({
    labels,
    rows,
    predict: (a, row) => {
      const k = CLASSES[a].length;
      const p = probabilities[a].subarray(position.get(row)! * k, (position.get(row)! + 1) * k);
      let best = 0;
      for (let c = 1; c < k; c++) if (Math.log(p[c] + 1e-12) + offsets[a][c] > Math.log(p[best] + 1e-12) + offsets[a][best]) best = c;
      return best;
    },
  });
}

/** Macro-F1s of the model on the held-out rows (inference mode, no augmentation), and its probabilities. */
async function validateModel(options: {
  trainer: OnnxTrainer;
  reader: TrainImageReader;
  labels: EncodedLabels;
  rows: Int32Array;
}): Promise<{ report: ValidationReport; probabilities: Record<Attribute, Float32Array> }> {
  const { trainer, reader, labels, rows } = options;
  const predicted = {} as Record<Attribute, Uint8Array>;
  const probabilities = {} as Record<Attribute, Float32Array>;
  for (const a of ATTRIBUTES) {
    predicted[a] = new Uint8Array(rows.length);
    probabilities[a] = new Float32Array(rows.length * CLASSES[a].length);
  }
  const pixelBuffer = new Uint8Array(PREDICT_BATCH * IMAGE_BYTES);
  const floatBuffer = new Float32Array(PREDICT_BATCH * IMAGE_BYTES);
  const predictor = await trainer.createPredictor();
  try {
    for (let start = 0; start < rows.length; start += PREDICT_BATCH) {
      const chunk = rows.subarray(start, Math.min(rows.length, start + PREDICT_BATCH));
      const pixels = await reader.read(chunk, pixelBuffer);
      const x = normaliseImages({ pixels, count: chunk.length, mean: MEAN, std: STD, into: floatBuffer });
      const outputs = await predictor.predict(x, chunk.length);
      ATTRIBUTES.forEach((a, k) => {
        const classes = CLASSES[a].length;
        probabilities[a].set(outputs[k], start * classes);
        for (let i = 0; i < chunk.length; i++) {
          let arg = 0;
          for (let c = 1; c < classes; c++) if (outputs[k][i * classes + c] > outputs[k][i * classes + arg]) arg = c;
          predicted[a][start + i] = arg;
        }
      });
    }
  } finally {
    await predictor.close();
  }
  const position = new Map<number, number>();
  rows.forEach((row, i) => position.set(row, i));
  return { report: evaluatePredictions({ labels, rows, predict: (a, row) => predicted[a][position.get(row)!] }), probabilities };
}
