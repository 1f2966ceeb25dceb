import { AppError } from "../../errors/app-error";
import type { FeatureMatrix } from "./feature-matrix";
import { fitGaussian, type Gaussian } from "./fit-gaussian";
import { sqrtmSymmetric, symmetricEigen } from "./symmetric-eigen";

/**
 * Fréchet (2-Wasserstein) distance between the Gaussians fitted to two feature sets (Heusel et
 * al. 2017; Dowson & Landau 1982 for the closed form):
 *
 *   FD = |mu1 - mu2|^2 + tr(C1) + tr(C2) - 2 tr( (C1^{1/2} C2 C1^{1/2})^{1/2} )
 *
 * tr((C1 C2)^{1/2}) equals tr((C1^{1/2} C2 C1^{1/2})^{1/2}) (same eigenvalues), and the second form
 * is a symmetric PSD matrix, so both roots are symmetric eigendecompositions and never produce
 * the complex parts that scipy's general `sqrtm(C1 @ C2)` has to throw away. The trace of the
 * root is the sum of the square roots of its eigenvalues: no eigenvectors needed there.
 *
 * Takes feature sets or already-fitted Gaussians (the real side is fitted once per phase).
 */
export function computeFrechetDistance(options: { a: FeatureMatrix | Gaussian; b: FeatureMatrix | Gaussian }): number {
  const g1 = asGaussian(options.a);
  const g2 = asGaussian(options.b);
  if (g1.dim !== g2.dim) {
    throw new AppError("validation", {
      user: "The feature sets have different feature sizes.",
      internal: `Fréchet distance: ${g1.dim} vs ${g2.dim}`,
    });
  }
  const d = g1.dim;
  let meanTerm = 0;
  for (let k = 0; k < d; k++) meanTerm += (g1.mean[k] - g2.mean[k]) ** 2;
  let tr1 = 0;
  let tr2 = 0;
  for (let k = 0; k < d; k++) {
    tr1 += g1.covariance[k * d + k];
    tr2 += g2.covariance[k * d + k];
  }
  const s1 = sqrtmSymmetric({ matrix: g1.covariance, n: d });
  const m = multiply(multiply(s1, g2.covariance, d), s1, d);
  const { values } = symmetricEigen({ matrix: m, n: d });
  let trRoot = 0;
  for (const l of values) trRoot += Math.sqrt(Math.max(l, 0));
  const fd = meanTerm + tr1 + tr2 - 2 * trRoot;
  // Identical sets give 0 up to rounding, which may land a hair below it.
  return Math.max(fd, 0);
}

function asGaussian(x: FeatureMatrix | Gaussian): Gaussian {
  return "covariance" in x ? x : fitGaussian({ features: x });
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      const bo = k * n;
      const oo = i * n;
      for (let j = 0; j < n; j++) out[oo + j] += aik * b[bo + j];
    }
  }
  return out;
}
