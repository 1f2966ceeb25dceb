import { assertRows, type FeatureMatrix } from "./feature-matrix";

export interface Gaussian {
  dim: number;
  /** Rows the statistics come from (the Fréchet distance is biased upwards by ~1/n). */
  count: number;
  mean: Float64Array;
  /** Unbiased (n - 1) covariance, row-major dim x dim. */
  covariance: Float64Array;
}

/**
 * Mean and covariance of a feature set, in float64 (a Float32 accumulation over 10,000 rows loses
 * ~3 digits, and the Fréchet distance subtracts large traces from each other).
 */
export function fitGaussian(options: { features: FeatureMatrix }): Gaussian {
  const { rows: n, cols: d, data } = options.features;
  assertRows(options.features, 2, "feature rows");
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += data[i * d + k];
  for (let k = 0; k < d; k++) mean[k] /= n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) c[k] = data[i * d + k] - mean[k];
    // Upper triangle only, mirrored at the end: half the multiply-adds.
    for (let p = 0; p < d; p++) {
      const cp = c[p];
      const o = p * d;
      for (let q = p; q < d; q++) cov[o + q] += cp * c[q];
    }
  }
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) {
      const v = cov[p * d + q] / (n - 1);
      cov[p * d + q] = v;
      cov[q * d + p] = v;
    }
  }
  return { dim: d, count: n, mean, covariance: cov };
}
