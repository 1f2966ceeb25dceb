import { describe, expect, it } from "vitest";
import { drawNormals } from "../draw-normals";
import { sqrtmSymmetric, symmetricEigen } from "./symmetric-eigen";

function randomSymmetric(n: number, seed: number): Float64Array {
  const z = drawNormals({ seed, count: n * n });
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) m[i * n + j] = m[j * n + i] = z[i * n + j];
  return m;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * n + k] * b[k * n + j];
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("symmetricEigen", () => {
  it("finds the eigenvalues of a diagonal and of a 2x2 matrix in closed form", () => {
    expect([...symmetricEigen({ matrix: Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 7]), n: 3 }).values]).toEqual([3, -1, 7]);
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3 with eigenvectors (1, -1)/sqrt2 and (1, 1)/sqrt2.
    const { values, vectors } = symmetricEigen({ matrix: Float64Array.from([2, 1, 1, 2]), n: 2 });
    expect([...values].sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
    const i3 = values[0] > values[1] ? 0 : 1;
    expect(Math.abs(vectors[0 * 2 + i3])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0 * 2 + i3] * vectors[1 * 2 + i3]).toBeGreaterThan(0);
  });

  it("decomposes a random 64x64 symmetric matrix: A V = V diag(l), V orthonormal", () => {
    const n = 64;
    const a = randomSymmetric(n, 7);
    const { values, vectors } = symmetricEigen({ matrix: a, n });
    const av = matmul(a, vectors, n);
    const vl = vectors.map((v, idx) => v * values[idx % n]);
    expect(maxAbsDiff(av, vl)).toBeLessThan(1e-9);
    const vtv = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) vtv[i * n + j] += vectors[k * n + i] * vectors[k * n + j];
    const identity = new Float64Array(n * n).map((_, idx) => (Math.floor(idx / n) === idx % n ? 1 : 0));
    expect(maxAbsDiff(vtv, identity)).toBeLessThan(1e-12);
    // The trace is the sum of the eigenvalues.
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 9);
  });
});

describe("sqrtmSymmetric", () => {
  it("recovers B from B^2 for a symmetric positive definite B", () => {
    const n = 32;
    // B = S S^T + I is positive definite, so it is the unique PSD root of B^2.
    const s = randomSymmetric(n, 11);
    const b = matmul(s, s, n);
    for (let i = 0; i < n; i++) b[i * n + i] += 1;
    const root = sqrtmSymmetric({ matrix: matmul(b, b, n), n });
    expect(maxAbsDiff(root, b) / Math.max(...b.map(Math.abs))).toBeLessThan(1e-10);
  });

  it("gives the known root of [[5, 4], [4, 5]] = [[2, 1], [1, 2]]^2 and clips tiny negative eigenvalues", () => {
    expect([...sqrtmSymmetric({ matrix: Float64Array.from([5, 4, 4, 5]), n: 2 })].map((v) => Number(v.toFixed(12)))).toEqual([2, 1, 1, 2]);
    // Rank one with a rounding-sized negative eigenvalue: the root is still real and PSD.
    const root = sqrtmSymmetric({ matrix: Float64Array.from([1, 1, 1, 1 - 1e-17]), n: 2 });
    expect(root.every(Number.isFinite)).toBe(true);
    expect(root[0]).toBeCloseTo(Math.SQRT1_2, 7);
  });
});
