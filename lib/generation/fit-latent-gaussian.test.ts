import { describe, expect, it } from "vitest";
import { drawNormals } from "./draw-normals";
import { fitLatentGaussian } from "./fit-latent-gaussian";

describe("fitLatentGaussian", () => {
  it("recovers the mean and covariance of correlated samples: matrix^T matrix = covariance, mean + z x matrix has them", () => {
    const d = 3;
    const A = [2, 0, 0, 1, 0.5, 0, -1, 0.3, 0.2]; // samples = m + z A (row vectors): cov = A^T A
    const m = [1, -2, 0.5];
    const n = 40_000;
    const z = drawNormals({ seed: 3, count: n * d });
    const samples = new Float32Array(n * d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) {
        let v = m[j];
        for (let k = 0; k < d; k++) v += z[i * d + k] * A[k * d + j];
        samples[i * d + j] = v;
      }
    const fit = fitLatentGaussian({ samples, size: d });
    for (let j = 0; j < d; j++) expect(fit.mean[j]).toBeCloseTo(m[j], 1);
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) {
        let want = 0;
        let got = 0;
        for (let k = 0; k < d; k++) {
          want += A[k * d + a] * A[k * d + b];
          got += fit.matrix[k * d + a] * fit.matrix[k * d + b];
        }
        expect(Math.abs(got - want)).toBeLessThan(0.05 * Math.max(1, Math.abs(want)));
      }
    // Upper-triangular (the transposed Cholesky factor): nothing below the diagonal.
    expect([fit.matrix[3], fit.matrix[6], fit.matrix[7]]).toEqual([0, 0, 0]);
    expect(fit.effectiveRank).toBeGreaterThan(1);
    expect(fit.effectiveRank).toBeLessThan(d);
  });

  it("stays defined when a direction is never used (a ridge on the diagonal) and refuses fewer than 2 samples", () => {
    const samples = Float32Array.from([1, 0, 2, 0, 3, 0, 4, 0]);
    const fit = fitLatentGaussian({ samples, size: 2 });
    expect(Number.isFinite(fit.matrix[3])).toBe(true);
    expect(fit.matrix[3]).toBeGreaterThan(0);
    expect(fit.effectiveRank).toBeCloseTo(1, 5);
    expect(() => fitLatentGaussian({ samples: Float32Array.from([1, 2]), size: 2 })).toThrow(/at least 2 samples/);
  });
});
