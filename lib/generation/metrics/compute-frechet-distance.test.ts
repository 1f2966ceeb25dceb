import { describe, expect, it } from "vitest";
import { sampleGaussian } from "../sample-gaussian";
import { featureMatrix } from "./feature-matrix";
import { computeFrechetDistance } from "./compute-frechet-distance";
import { fitGaussian, type Gaussian } from "./fit-gaussian";

function gaussian(mean: number[], covariance: number[]): Gaussian {
  return { dim: mean.length, count: Infinity, mean: Float64Array.from(mean), covariance: Float64Array.from(covariance) };
}

describe("computeFrechetDistance", () => {
  it("matches the closed form for diagonal covariances: |dmu|^2 + sum (s1 - s2)^2", () => {
    const fd = computeFrechetDistance({
      a: gaussian([0, 0, 0], [1, 0, 0, 0, 4, 0, 0, 0, 9]),
      b: gaussian([1, 2, 0], [4, 0, 0, 0, 4, 0, 0, 0, 1]),
    });
    // 1 + 4 + (1-2)^2 + (2-2)^2 + (3-1)^2 = 10
    expect(fd).toBeCloseTo(10, 10);
  });

  it("matches the closed form for two general 2x2 covariances: tr sqrt(C1 C2) = sqrt(tr(C1 C2) + 2 sqrt(det C1 det C2))", () => {
    const c1 = [2, 0.8, 0.8, 1];
    const c2 = [1, -0.5, -0.5, 3];
    const trProd = c1[0] * c2[0] + c1[1] * c2[2] + c1[2] * c2[1] + c1[3] * c2[3];
    const det = (c: number[]) => c[0] * c[3] - c[1] * c[2];
    const expected = 0.5 ** 2 + 1 + (2 + 1) + (1 + 3) - 2 * Math.sqrt(trProd + 2 * Math.sqrt(det(c1) * det(c2)));
    expect(computeFrechetDistance({ a: gaussian([0, 0], c1), b: gaussian([0.5, -1], c2) })).toBeCloseTo(expected, 10);
  });

  it("estimates the closed form from 20,000 samples of each Gaussian (D = 16, scaled covariance: FD = |dmu|^2 + (1 - s)^2 tr C)", () => {
    const d = 16;
    const mean1 = Array.from({ length: d }, (_, i) => Math.sin(i));
    const mean2 = mean1.map((m, i) => m + (i % 3 === 0 ? 0.5 : 0));
    const a = Array.from({ length: d * d }, (_, i) => (Math.floor(i / d) === i % d ? 1 : 0) + 0.3 * Math.cos(i * 1.7));
    const s = 1.5;
    const x = featureMatrix({ data: sampleGaussian({ mean: mean1, transform: a, rows: 20_000, seed: 1 }), cols: d });
    const y = featureMatrix({ data: sampleGaussian({ mean: mean2, transform: a.map((v) => v * s), rows: 20_000, seed: 2 }), cols: d });
    let trC = 0;
    for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) trC += a[p * d + q] ** 2;
    const meanTerm = mean1.reduce((t, m, i) => t + (m - mean2[i]) ** 2, 0);
    const expected = meanTerm + (1 - s) ** 2 * trC;
    const fd = computeFrechetDistance({ a: x, b: y });
    expect(Math.abs(fd - expected) / expected).toBeLessThan(0.03);
    // And the sample statistics themselves are those of the Gaussian.
    const g = fitGaussian({ features: x });
    expect(Math.abs(g.covariance[0] - a.slice(0, d).reduce((t, v) => t + v * v, 0))).toBeLessThan(0.1);
  });

  it("is ~0 for a set against itself and symmetric in its arguments", () => {
    const d = 32;
    const x = featureMatrix({ data: sampleGaussian({ mean: new Array(d).fill(1), rows: 2_000, seed: 3 }), cols: d });
    const y = featureMatrix({ data: sampleGaussian({ mean: new Array(d).fill(1.2), rows: 2_000, seed: 4 }), cols: d });
    expect(computeFrechetDistance({ a: x, b: x })).toBeLessThan(1e-8);
    const xy = computeFrechetDistance({ a: x, b: y });
    expect(xy).toBeGreaterThan(d * 0.2 ** 2 * 0.8);
    expect(computeFrechetDistance({ a: y, b: x })).toBeCloseTo(xy, 8);
  });

  it("handles a rank-deficient covariance (features confined to a subspace)", () => {
    const d = 8;
    // Only the first 3 latent directions are used: covariance rank 3.
    const a = Array.from({ length: d * 3 }, (_, i) => Math.cos(i));
    const x = featureMatrix({
      data: sampleGaussian({ mean: new Array(d).fill(0), transform: a, latent: 3, rows: 5_000, seed: 5 }),
      cols: d,
    });
    const fd = computeFrechetDistance({ a: x, b: x });
    expect(Number.isFinite(fd)).toBe(true);
    expect(fd).toBeLessThan(1e-6);
  });

  it("refuses sets of different widths", () => {
    expect(() => computeFrechetDistance({ a: gaussian([0], [1]), b: gaussian([0, 0], [1, 0, 0, 1]) })).toThrow(
      expect.objectContaining({ code: "validation", userMessage: "The feature sets have different feature sizes." }),
    );
  });
});
