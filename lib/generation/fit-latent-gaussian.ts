/**
 * A Gaussian fitted to latent vectors (a VAE's posterior means over the training images) and the
 * affine map that sends a standard normal latent onto it: z' = mean + z x matrix, with matrix the
 * transposed Cholesky factor of the covariance (so cov(z') = L L^T = covariance). A small ridge
 * (1e-4 x the mean variance) keeps the factorisation defined when a direction is unused.
 */
export function fitLatentGaussian(options: { samples: Float32Array; size: number }): {
  mean: Float32Array;
  /** Row-major [size, size]. */
  matrix: Float32Array;
  meanVariance: number;
  /** Participation ratio of the covariance's eigenvalues, (sum l)^2 / sum l^2 = trace^2 / |cov|_F^2: how many directions are used. */
  effectiveRank: number;
} {
  const { samples, size: d } = options;
  const n = Math.floor(samples.length / d);
  if (n < 2) throw new Error(`a latent Gaussian needs at least 2 samples, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += samples[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = samples[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      for (let b = a; b < d; b++) cov[a * d + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[b * d + a] = cov[a * d + b] /= n - 1;
  let trace = 0;
  let sumSq = 0;
  for (let a = 0; a < d; a++) trace += cov[a * d + a];
  for (let k = 0; k < d * d; k++) sumSq += cov[k] ** 2;
  const ridge = (1e-4 * trace) / d;
  for (let a = 0; a < d; a++) cov[a * d + a] += ridge;
  // Cholesky: cov = L L^T, L lower triangular.
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = cov[i * d + j];
      for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * d + j];
    }
  const matrix = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) matrix[j * d + i] = L[i * d + j];
  return { mean: Float32Array.from(mean), matrix, meanVariance: trace / d, effectiveRank: trace ** 2 / sumSq };
}
