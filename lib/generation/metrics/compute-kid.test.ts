import { describe, expect, it } from "vitest";
import { sampleGaussian } from "../sample-gaussian";
import { featureMatrix, type FeatureMatrix } from "./feature-matrix";
import { computeKid } from "./compute-kid";

const D = 16;
const set = (seed: number, rows: number, shift = 0) =>
  featureMatrix({ data: sampleGaussian({ mean: new Array(D).fill(shift), rows, seed }), cols: D });

/** The unbiased MMD^2 straight from its definition, pair by pair. */
function bruteForceMmd(x: FeatureMatrix, y: FeatureMatrix): number {
  const k = (p: FeatureMatrix, i: number, q: FeatureMatrix, j: number) => {
    let dot = 0;
    for (let t = 0; t < D; t++) dot += p.data[i * D + t] * q.data[j * D + t];
    return (dot / D + 1) ** 3;
  };
  const m = x.rows;
  let xx = 0,
    yy = 0,
    xy = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      if (i !== j) {
        xx += k(x, i, x, j);
        yy += k(y, i, y, j);
      }
      xy += k(x, i, y, j);
    }
  return xx / (m * (m - 1)) + yy / (m * (m - 1)) - (2 * xy) / (m * m);
}

describe("computeKid", () => {
  it("equals the definition of the unbiased MMD^2 with the cubic kernel when one subset holds each whole set", () => {
    const x = set(1, 150);
    const y = set(2, 150, 0.3);
    const r = computeKid({ a: x, b: y, subsetSize: 150 });
    expect(r.subsets).toBe(1);
    expect(r.std).toBeNull();
    expect(r.kid).toBeCloseTo(bruteForceMmd(x, y), 8);
  });

  it("is ~0 for a set against itself and for two samples of one distribution (within 3 standard errors)", () => {
    const x = set(3, 4_000);
    const self = computeKid({ a: x, b: x, subsetSize: 500 });
    expect(self.subsets).toBe(8);
    expect(Math.abs(self.kid)).toBeLessThan(3 * self.stdErr!);
    const other = computeKid({ a: x, b: set(4, 4_000), subsetSize: 500 });
    expect(Math.abs(other.kid)).toBeLessThan(3 * other.stdErr!);
    expect(other.stdErr).toBeCloseTo(other.std! / Math.sqrt(8), 12);
  });

  it("is clearly positive for shifted sets and grows with the shift", () => {
    const x = set(5, 4_000);
    const near = computeKid({ a: set(6, 4_000, 0.2), b: x, subsetSize: 500 });
    const far = computeKid({ a: set(7, 4_000, 0.6), b: x, subsetSize: 500 });
    expect(near.kid).toBeGreaterThan(5 * near.stdErr!);
    expect(far.kid).toBeGreaterThan(near.kid * 3);
  });

  it("is repeatable for a seed", () => {
    const x = set(8, 1_000);
    const y = set(9, 1_000, 0.1);
    expect(computeKid({ a: x, b: y, subsetSize: 200, seed: 1 })).toEqual(computeKid({ a: x, b: y, subsetSize: 200, seed: 1 }));
  });
});
