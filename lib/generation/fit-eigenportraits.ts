import * as ort from "onnxruntime-node";
import { IMAGE_BYTES } from "../challenge/definition";
import { OnnxGraphBuilder } from "../ml/onnx-training/onnx-graph-builder";
import { mulberry32 } from "../random/mulberry32";
import { GENERATOR_LATENT_SIZE } from "./generator-manifest";
import { symmetricEigen } from "./metrics/symmetric-eigen";

/**
 * Fits the PCA ("eigenportrait") sampler: the mean portrait and the top 64 principal directions of
 * `images` (uint8, n x 108 x 84 x 3), each scaled by its standard deviation, so that
 * mean + z x basis with z ~ N(0, I) has the images' mean and their covariance restricted to the
 * top 64 directions (a Gaussian model of the pixels: blurry, but honest and diverse).
 *
 * d = 27,216 pixels rules out the d x d covariance (3 GB). Randomised subspace iteration
 * (Halko, Martinsson and Tropp 2011) works with X alone: Q <- orth(X^T X Q) a few times on a
 * d x 80 block (64 directions + 16 of oversampling), then the 80 x 80 projected covariance is
 * diagonalised exactly (symmetric-eigen.ts). The products X Q and X^T Y are onnxruntime MatMuls
 * (2 x n x d x 80 multiply-adds each, about 9 GFLOP per iteration at n = 2,000: a second or two
 * on two cores, where plain JavaScript takes tens of seconds).
 */
export async function fitEigenportraits(options: {
  images: Uint8Array;
  count: number;
  iterations?: number;
  seed?: number;
  threads?: number;
}): Promise<{
  mean: Float32Array;
  basis: Float32Array;
  /** Variance along each kept direction, descending, and the share of the total variance they hold. */
  variances: number[];
  explained: number;
}> {
  const { images, count: n } = options;
  const d = IMAGE_BYTES;
  const k = GENERATOR_LATENT_SIZE + 16;
  if (n < 2 * GENERATOR_LATENT_SIZE)
    throw new Error(`PCA of ${GENERATOR_LATENT_SIZE} directions needs at least ${2 * GENERATOR_LATENT_SIZE} images, got ${n}`);
  const mean = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) mean[p] += images[i * d + p];
  for (let p = 0; p < d; p++) mean[p] /= n;
  const x = new Float32Array(n * d);
  let total = 0;
  for (let i = 0; i < n; i++)
    for (let p = 0; p < d; p++) {
      const v = images[i * d + p] - mean[p];
      x[i * d + p] = v;
      total += v * v;
    }
  total /= n - 1;

  const sessionOptions = { intraOpNumThreads: options.threads ?? 2, logSeverityLevel: 3 as const };
  const product = await ort.InferenceSession.create(matmulGraph(false), sessionOptions);
  const productT = await ort.InferenceSession.create(matmulGraph(true), sessionOptions);
  const mul = async (session: ort.InferenceSession, a: Float32Array, aDims: number[], b: Float32Array, bDims: number[]) => {
    const r = await session.run({ a: new ort.Tensor("float32", a, aDims), b: new ort.Tensor("float32", b, bDims) });
    return r.c.data as Float32Array;
  };
  try {
    const rand = mulberry32(options.seed ?? 7);
    let q: Float32Array = new Float32Array(d * k).map(() => rand() - 0.5);
    orthonormaliseColumns(q, d, k);
    for (let it = 0; it < (options.iterations ?? 3); it++) {
      const y = await mul(product, x, [n, d], q, [d, k]); // n x k
      q = Float32Array.from(await mul(productT, x, [n, d], y, [n, k])); // d x k = X^T Y
      orthonormaliseColumns(q, d, k);
    }
    const b = await mul(product, x, [n, d], q, [d, k]); // n x k
    const c = new Float64Array(k * k);
    for (let i = 0; i < n; i++)
      for (let r = 0; r < k; r++) {
        const br = b[i * k + r];
        for (let s = r; s < k; s++) c[r * k + s] += br * b[i * k + s];
      }
    for (let r = 0; r < k; r++) for (let s = r; s < k; s++) c[s * k + r] = c[r * k + s] /= n - 1;
    const eig = symmetricEigen({ matrix: c, n: k });
    const order = Array.from({ length: k }, (_, i) => i).sort((i, j) => eig.values[j] - eig.values[i]);
    const kept = order.slice(0, GENERATOR_LATENT_SIZE);
    const basis = new Float32Array(GENERATOR_LATENT_SIZE * d);
    kept.forEach((col, j) => {
      const sd = Math.sqrt(Math.max(0, eig.values[col]));
      for (let p = 0; p < d; p++) {
        let v = 0;
        for (let r = 0; r < k; r++) v += q[p * k + r] * eig.vectors[r * k + col];
        basis[j * d + p] = v * sd;
      }
    });
    const variances = kept.map((col) => eig.values[col]);
    return { mean, basis, variances, explained: variances.reduce((s, v) => s + v, 0) / total };
  } finally {
    await product.release();
    await productT.release();
  }
}

/** c = a b, or a^T b: one MatMul (Gemm for the transpose) on dynamic shapes. */
function matmulGraph(transposeA: boolean): Uint8Array {
  const g = new OnnxGraphBuilder();
  const a = g.input("a", ["M", "K"]);
  const b = g.input("b", [transposeA ? "M" : "K", "N"]);
  const c = transposeA ? g.op("Gemm", [a, b], { transA: 1 }) : g.op("MatMul", [a, b]);
  g.output("c", c, [transposeA ? "K" : "M", "N"]);
  return g.encode(transposeA ? "matmul_ta" : "matmul");
}

/** Modified Gram-Schmidt on the k columns of a row-major d x k matrix, in place (twice, for stability). */
function orthonormaliseColumns(q: Float32Array, d: number, k: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let p = 0; p < d; p++) dot += q[p * k + i] * q[p * k + j];
        for (let p = 0; p < d; p++) q[p * k + j] -= dot * q[p * k + i];
      }
      let norm = 0;
      for (let p = 0; p < d; p++) norm += q[p * k + j] ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let p = 0; p < d; p++) q[p * k + j] /= norm;
    }
  }
}
