import { ATTRIBUTES, CLASSES, type Attribute } from "../challenge/definition";
import { readTensorCacheBatches, readTensorCacheMeta } from "../dataset/load-tensor-cache";
import { readTrainLabels } from "../dataset/read-train-labels";
import { encodeTrainLabels } from "./encode-train-labels";
import { evaluatePredictions } from "./evaluate-predictions";
import { COLOUR_FEATURE_COUNT, describeColourFeatures, extractColourFeatures } from "./extract-colour-features";
import { formatPredictionsCsv } from "./format-predictions-csv";
import { balancedClassWeights, createSoftmaxRegression, type SoftmaxRegression } from "./softmax-regression";
import { createRandom, splitHoldout } from "./split-holdout";
import type { BaselineArtifact, BaselineDefinition, BaselineRunOptions, ClassPredictions, ValidationReport } from "./types";

/**
 * Hand-crafted colour/region statistics (extract-colour-features.ts), standardised with the
 * training rows' mean and std, then one class-weighted multinomial logistic regression per
 * attribute, each trained on the rows where that attribute is known. Validated on a held-out
 * 10% of the train split after every epoch; the model of the last epoch predicts the test cache.
 * Submitted as a predictions CSV: the features are code, not a tfjs/onnx graph.
 */
export const colourFeaturesBaseline: BaselineDefinition = {
  name: "colour-features",
  title: "Colour features + logistic regression",
  description: `${describeColourFeatures()}, standardised and fed to a class-weighted logistic regression per attribute (Adam, cosine decay).`,
  defaultEpochs: 30,
  run: runColourFeaturesBaseline,
};

const LEARNING_RATE = 0.01;

export async function runColourFeaturesBaseline(options: BaselineRunOptions): Promise<BaselineArtifact> {
  const started = performance.now();
  const { cacheDir } = options;
  const epochs = Math.max(1, options.epochs ?? colourFeaturesBaseline.defaultEpochs);
  const seed = options.seed ?? 1;
  const labels = encodeTrainLabels({ rows: await readTrainLabels(cacheDir) });

  const train = await extractCacheFeatures({ cacheDir, name: "train", onProgress: options.onProgress });
  if (train.count !== labels.Gender.length) throw new Error(`train cache has ${train.count} images but ${labels.Gender.length} label rows`);
  const split = splitHoldout({ count: train.count, seed });
  const standardise = fitStandardiser({ features: train.features, rows: split.train });
  standardise(train.features);

  const models = {} as Record<Attribute, SoftmaxRegression>;
  const trainRows = {} as Record<Attribute, Int32Array>;
  for (const attribute of ATTRIBUTES) {
    const known = split.train.filter((row) => labels[attribute][row] >= 0);
    trainRows[attribute] = known;
    const classes = CLASSES[attribute].length;
    models[attribute] = createSoftmaxRegression({
      dim: COLOUR_FEATURE_COUNT,
      classes,
      classWeights: balancedClassWeights({ labels: labels[attribute], rows: known, classes }),
    });
  }

  const random = createRandom(seed + 1);
  let validation: ValidationReport | undefined;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let loss = 0;
    // Cosine decay from LEARNING_RATE to ~0: the last epochs settle instead of jittering.
    const learningRate = LEARNING_RATE * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / epochs));
    for (const attribute of ATTRIBUTES) {
      loss += models[attribute].trainEpoch({
        features: train.features,
        labels: labels[attribute],
        rows: trainRows[attribute],
        random,
        learningRate,
      });
    }
    validation = evaluatePredictions({
      labels,
      rows: split.holdout,
      predict: (attribute, row) => models[attribute].predictRow(train.features, row),
    });
    options.onEpoch?.({ epoch, epochs, loss: loss / ATTRIBUTES.length, validation });
    options.onProgress?.("training", epoch, epochs);
  }

  const test = await extractCacheFeatures({ cacheDir, name: "test", onProgress: options.onProgress });
  standardise(test.features);
  const { ids } = await readTensorCacheMeta(cacheDir, "test");
  const predictions = {} as ClassPredictions;
  for (const attribute of ATTRIBUTES) {
    const out = new Uint8Array(test.count);
    for (let i = 0; i < test.count; i++) out[i] = models[attribute].predictRow(test.features, i);
    predictions[attribute] = out;
  }
  return {
    kind: "csv",
    fileName: "colour-features.csv",
    bytes: formatPredictionsCsv({ ids, predictions }),
    validation: validation!,
    trainSeconds: (performance.now() - started) / 1000,
  };
}

/** Features of every image of a cache, streamed in batches (the real train cache is 2.9 GB). */
async function extractCacheFeatures(options: {
  cacheDir: string;
  name: "train" | "test";
  onProgress?: BaselineRunOptions["onProgress"];
}): Promise<{ count: number; features: Float32Array }> {
  const meta = await readTensorCacheMeta(options.cacheDir, options.name);
  const features = new Float32Array(meta.count * COLOUR_FEATURE_COUNT);
  const stage = `features ${options.name}`;
  options.onProgress?.(stage, 0, meta.count);
  for await (const batch of readTensorCacheBatches(options.cacheDir, options.name, { batchSize: 512, reuseBuffer: true })) {
    extractColourFeatures({ pixels: batch.pixels, count: batch.count, out: features, outRow: batch.start });
    options.onProgress?.(stage, batch.start + batch.count, meta.count);
  }
  return { count: meta.count, features };
}

/** Per-feature mean and std of `rows`; returns a function standardising a feature matrix in place. */
function fitStandardiser(options: { features: Float32Array; rows: Int32Array }): (features: Float32Array) => void {
  const dim = COLOUR_FEATURE_COUNT;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const row of options.rows) {
    for (let j = 0; j < dim; j++) {
      const x = options.features[row * dim + j];
      mean[j] += x;
      sq[j] += x * x;
    }
  }
  const n = Math.max(1, options.rows.length);
  const inv = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    mean[j] /= n;
    const std = Math.sqrt(Math.max(0, sq[j] / n - mean[j] * mean[j]));
    inv[j] = std > 1e-6 ? 1 / std : 0;
  }
  return (features) => {
    for (let p = 0; p < features.length; p++) {
      const j = p % dim;
      features[p] = (features[p] - mean[j]) * inv[j];
    }
  };
}
