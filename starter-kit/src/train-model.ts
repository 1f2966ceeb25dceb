import type * as tf from "@tensorflow/tfjs";
import { evaluateLabels, type Evaluation } from "./evaluate-labels";
import { makeBatch } from "./make-batch";
import { ATTRIBUTES, CLASSES, mulberry32, type Attribute } from "./platform";
import { predictLabels } from "./predict-labels";

export interface EpochReport {
  epoch: number;
  loss: number;
  seconds: number;
  imagesPerSecond: number;
  /** On the held-out rows, when there are any. */
  validation?: Evaluation;
}

export interface TrainModelOptions {
  tf: typeof tf;
  model: tf.LayersModel;
  images: Uint8Array[];
  labels: Record<Attribute, Int8Array>;
  /** Rows of `images` to train on, and rows to validate on after each epoch. */
  trainRows: Int32Array;
  validationRows?: Int32Array;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed?: number;
  onBatch?: (info: { epoch: number; images: number; total: number; loss: number }) => void;
  onEpoch?: (report: EpochReport) => void;
}

/**
 * Adam on the sum of the three heads' cross-entropies. Each head's loss skips the images whose
 * label is n/a (weight 0: unknown is not a class to learn) and weighs classes by inverse
 * frequency (capped at 10), because the score is a macro-F1, where rare classes such as bald or
 * gray count as much as frequent ones. Augmentation: random left-right flips.
 */
export async function trainModel(options: TrainModelOptions): Promise<EpochReport[]> {
  const { tf, model, images, labels, trainRows, batchSize } = options;
  const random = mulberry32(options.seed ?? 1);
  const optimizer = tf.train.adam(options.learningRate);
  const classWeights = {} as Record<Attribute, Float32Array>;
  for (const a of ATTRIBUTES) classWeights[a] = balancedWeights(labels[a], trainRows, CLASSES[a].length);

  const order = Int32Array.from(trainRows);
  const reports: EpochReport[] = [];
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    shuffle(order, random);
    const started = performance.now();
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.subarray(start, Math.min(order.length, start + batchSize));
      const loss = tf.tidy(() => {
        const x = makeBatch({ tf, images, rows, flip: () => random() < 0.5 });
        const targets = ATTRIBUTES.map((a) => oneHotTargets(tf, labels[a], rows, CLASSES[a].length, classWeights[a]));
        return optimizer.minimize(() => {
          const outputs = model.apply(x, { training: true }) as tf.Tensor[];
          const terms = outputs.map((p, k) => {
            const ce = tf.neg(tf.sum(tf.mul(targets[k].onehot, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1));
            return tf.div(tf.sum(tf.mul(ce, targets[k].weight)), rows.length);
          });
          return tf.addN(terms) as tf.Scalar;
        }, true)!;
      });
      const value = (await loss.data())[0];
      loss.dispose();
      lossSum += value;
      batches++;
      options.onBatch?.({ epoch, images: start + rows.length, total: order.length, loss: lossSum / batches });
    }
    const seconds = (performance.now() - started) / 1000;
    const report: EpochReport = { epoch, loss: lossSum / Math.max(1, batches), seconds, imagesPerSecond: order.length / seconds };
    if (options.validationRows?.length) {
      const predicted = predictLabels({ tf, model, images, rows: options.validationRows });
      report.validation = evaluateLabels({ truth: labels, rows: options.validationRows, predicted });
    }
    reports.push(report);
    options.onEpoch?.(report);
  }
  optimizer.dispose();
  return reports;
}

/** [n, k] one-hot targets and [n] weights (0 where the label is n/a). */
function oneHotTargets(tfm: typeof tf, labels: Int8Array, rows: ArrayLike<number>, k: number, classWeight: Float32Array) {
  const onehot = new Float32Array(rows.length * k);
  const weight = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const y = labels[rows[i]];
    if (y < 0) continue;
    onehot[i * k + y] = 1;
    weight[i] = classWeight[y];
  }
  return { onehot: tfm.tensor2d(onehot, [rows.length, k]), weight: tfm.tensor1d(weight) };
}

/** n / (k * count_c) over the known labels, capped at 10 so a handful of images cannot dominate. */
function balancedWeights(labels: Int8Array, rows: Int32Array, k: number): Float32Array {
  const counts = new Float32Array(k);
  let n = 0;
  for (const r of rows) {
    if (labels[r] >= 0) {
      counts[labels[r]]++;
      n++;
    }
  }
  return counts.map((c) => (c === 0 ? 0 : Math.min(10, n / (k * c))));
}

function shuffle(values: Int32Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
}
