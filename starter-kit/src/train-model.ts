import { evaluateLabels, type Evaluation } from "./evaluate-labels";
import { makeBatch } from "./make-batch";
import { ATTRIBUTES, CLASSES, mulberry32, type Attribute, type OnnxTrainer } from "./platform";
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
  trainer: OnnxTrainer;
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
 * Adam on the sum of the three heads' cross-entropies, one ONNX graph run per step (the
 * trainer computes the loss and every gradient, then updates the weights). Each head's loss skips
 * the images whose label is n/a (a negative label: unknown is not a class to learn) and weighs
 * classes by inverse frequency (capped at 10), because the score is a macro-F1, where rare
 * classes such as bald or gray count as much as frequent ones. Augmentation: random left-right
 * flips.
 */
export async function trainModel(options: TrainModelOptions): Promise<EpochReport[]> {
  const { trainer, images, labels, trainRows, batchSize } = options;
  const random = mulberry32(options.seed ?? 1);
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
      const result = await trainer.step({
        x: makeBatch({ images, rows, flip: () => random() < 0.5 }),
        count: rows.length,
        heads: ATTRIBUTES.map((a) => ({ labels: Array.from(rows, (r) => labels[a][r]), classWeights: classWeights[a] })),
        learningRate: options.learningRate,
      });
      lossSum += result.loss;
      batches++;
      options.onBatch?.({ epoch, images: start + rows.length, total: order.length, loss: lossSum / batches });
    }
    const seconds = (performance.now() - started) / 1000;
    const report: EpochReport = { epoch, loss: lossSum / Math.max(1, batches), seconds, imagesPerSecond: order.length / seconds };
    if (options.validationRows?.length) {
      const predictor = await trainer.createPredictor();
      try {
        const predicted = await predictLabels({ predictor, images, rows: options.validationRows });
        report.validation = evaluateLabels({ truth: labels, rows: options.validationRows, predicted });
      } finally {
        await predictor.close();
      }
    }
    reports.push(report);
    options.onEpoch?.(report);
  }
  return reports;
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
