import { drawNormals } from "./draw-normals";

/**
 * `rows` samples x = mean + A z with z standard normal (seeded), so x ~ N(mean, A A^T). A is
 * row-major `mean.length x latent` (default square); omit it for the identity. The PCA
 * ("eigenportrait") sampler is this with A = the top principal directions scaled by their
 * standard deviations; the metric tests and benchmark use it for sets with known statistics.
 */
export function sampleGaussian(options: {
  mean: ArrayLike<number>;
  transform?: ArrayLike<number>;
  latent?: number;
  rows: number;
  seed: number;
}): Float32Array {
  const d = options.mean.length;
  const latent = options.latent ?? d;
  const a = options.transform;
  const z = drawNormals({ seed: options.seed, count: options.rows * latent });
  const out = new Float32Array(options.rows * d);
  for (let i = 0; i < options.rows; i++) {
    for (let p = 0; p < d; p++) {
      let v = options.mean[p];
      if (a) {
        for (let q = 0; q < latent; q++) v += a[p * latent + q] * z[i * latent + q];
      } else {
        v += z[i * latent + p];
      }
      out[i * d + p] = v;
    }
  }
  return out;
}
