/**
 * Eigenvalues and eigenvectors of a real symmetric n x n matrix (row-major Float64Array) by the
 * cyclic Jacobi method: rotations that zero one off-diagonal entry at a time, swept until the
 * off-diagonal mass is negligible. Chosen over Householder + QL because it is short enough to
 * check by eye, needs no pivoting, and is accurate to the last digits even for the tiny
 * eigenvalues of a near-singular covariance matrix (which is what a Fréchet distance of
 * low-rank features produces). At n = 128 it takes ~0.1 s, at n = 256 under a second (see
 * docs/decisions/0011-generation-metrics.md).
 *
 * Returns `values[i]` with eigenvector `vectors[k * n + i]` (column i), unsorted.
 */
export function symmetricEigen(options: { matrix: Float64Array; n: number; maxSweeps?: number }): {
  values: Float64Array;
  vectors: Float64Array;
} {
  const { n } = options;
  const a = Float64Array.from(options.matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  // Symmetrise: callers build the matrix from products that are symmetric only up to rounding.
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      const m = (a[p * n + q] + a[q * n + p]) / 2;
      a[p * n + q] = m;
      a[q * n + p] = m;
    }
  }
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i] * a[i];
  const maxSweeps = options.maxSweeps ?? 60;

  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    // Off-diagonal mass 1e-30 of the whole: every eigenvalue is then exact to ~1e-15 of the norm.
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // Too small to change either diagonal entry in double precision: zero it and move on.
        if (Math.abs(apq) < 1e-18 * (Math.abs(app) + Math.abs(aqq))) {
          a[p * n + q] = 0;
          a[q * n + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          if (k === p || k === q) continue;
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          const nkp = c * akp - s * akq;
          const nkq = s * akp + c * akq;
          a[k * n + p] = nkp;
          a[p * n + k] = nkp;
          a[k * n + q] = nkq;
          a[q * n + k] = nkq;
        }
        a[p * n + p] = app - t * apq;
        a[q * n + q] = aqq + t * apq;
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

/**
 * The symmetric positive semi-definite square root V diag(sqrt(max(l, 0))) V^T. Eigenvalues
 * below zero can only be rounding error for a covariance matrix, so they are clipped to 0.
 */
export function sqrtmSymmetric(options: { matrix: Float64Array; n: number }): Float64Array {
  const { n } = options;
  const { values, vectors } = symmetricEigen(options);
  const root = values.map((l) => Math.sqrt(Math.max(l, 0)));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * root[k] * vectors[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}
