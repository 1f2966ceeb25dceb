import { shuffleInPlace } from "./split-holdout";

/**
 * Multinomial logistic regression on Float32Array features, trained with mini-batch Adam,
 * class weights against the imbalance and L2 on the weights. Plain TypeScript: at a few hundred
 * features and a handful of classes this is far faster than setting up a tensor backend.
 *
 * Weights are k x (dim + 1), row-major, the last column the bias.
 */
export interface SoftmaxRegression {
  readonly dim: number;
  readonly classes: number;
  readonly weights: Float32Array;
  /** One pass over `rows` (positions in `features`, labels >= 0) in a random order; returns the mean weighted loss. */
  trainEpoch(options: { features: Float32Array; labels: Int8Array; rows: Int32Array; random: () => number; learningRate?: number }): number;
  /** Argmax class of row `row` of `features`. */
  predictRow(features: Float32Array, row: number): number;
}

export interface CreateSoftmaxRegressionOptions {
  dim: number;
  classes: number;
  /** Loss weight of each class (e.g. balanced: n / (k * count)). */
  classWeights: Float64Array;
  /** Adam step size (default 0.01); trainEpoch may override it per epoch (a schedule). */
  learningRate?: number;
  l2?: number;
  batchSize?: number;
}

export function createSoftmaxRegression(options: CreateSoftmaxRegressionOptions): SoftmaxRegression {
  const { dim, classes: k, classWeights } = options;
  const lr = options.learningRate ?? 0.01;
  const l2 = options.l2 ?? 1e-4;
  const batchSize = options.batchSize ?? 64;
  const stride = dim + 1;
  const weights = new Float32Array(k * stride);
  const grad = new Float64Array(k * stride);
  const m = new Float64Array(k * stride);
  const v = new Float64Array(k * stride);
  const logits = new Float64Array(k);
  let step = 0;

  const computeLogits = (features: Float32Array, row: number) => {
    const f = row * dim;
    for (let c = 0; c < k; c++) {
      const w = c * stride;
      let z = weights[w + dim];
      for (let j = 0; j < dim; j++) z += weights[w + j] * features[f + j];
      logits[c] = z;
    }
  };

  return {
    dim,
    classes: k,
    weights,
    trainEpoch({ features, labels, rows, random, learningRate }) {
      const stepSize = learningRate ?? lr;
      const order = Int32Array.from(rows);
      shuffleInPlace(order, random);
      let lossSum = 0;
      let weightSum = 0;
      const b1 = 0.9,
        b2 = 0.999,
        eps = 1e-8;
      for (let start = 0; start < order.length; start += batchSize) {
        const end = Math.min(order.length, start + batchSize);
        grad.fill(0);
        let batchWeight = 0;
        for (let i = start; i < end; i++) {
          const row = order[i];
          const y = labels[row];
          const cw = classWeights[y];
          computeLogits(features, row);
          let max = -Infinity;
          for (let c = 0; c < k; c++) if (logits[c] > max) max = logits[c];
          let sum = 0;
          for (let c = 0; c < k; c++) {
            logits[c] = Math.exp(logits[c] - max);
            sum += logits[c];
          }
          lossSum += -cw * Math.log(Math.max(1e-12, logits[y] / sum));
          weightSum += cw;
          batchWeight += cw;
          const f = row * dim;
          for (let c = 0; c < k; c++) {
            const g = cw * (logits[c] / sum - (c === y ? 1 : 0));
            const w = c * stride;
            for (let j = 0; j < dim; j++) grad[w + j] += g * features[f + j];
            grad[w + dim] += g;
          }
        }
        step++;
        const scale = 1 / Math.max(1e-12, batchWeight);
        const c1 = 1 - Math.pow(b1, step),
          c2 = 1 - Math.pow(b2, step);
        for (let p = 0; p < weights.length; p++) {
          const isBias = p % stride === dim;
          const g = grad[p] * scale + (isBias ? 0 : l2 * weights[p]);
          m[p] = b1 * m[p] + (1 - b1) * g;
          v[p] = b2 * v[p] + (1 - b2) * g * g;
          weights[p] -= (stepSize * (m[p] / c1)) / (Math.sqrt(v[p] / c2) + eps);
        }
      }
      return weightSum ? lossSum / weightSum : 0;
    },
    predictRow(features, row) {
      computeLogits(features, row);
      let best = 0;
      for (let c = 1; c < k; c++) if (logits[c] > logits[best]) best = c;
      return best;
    },
  };
}

/** Balanced class weights n / (k * count_c) over the known labels of `rows`, capped so a tiny class cannot dominate. */
export function balancedClassWeights(options: { labels: Int8Array; rows: ArrayLike<number>; classes: number; cap?: number }): Float64Array {
  const counts = new Float64Array(options.classes);
  let n = 0;
  for (let i = 0; i < options.rows.length; i++) {
    const y = options.labels[options.rows[i]];
    if (y >= 0) {
      counts[y]++;
      n++;
    }
  }
  const cap = options.cap ?? 20;
  return counts.map((c) => (c === 0 ? 0 : Math.min(cap, n / (options.classes * c))));
}
