import { describe, expect, it } from "vitest";
import { sampleGaussian } from "../sample-gaussian";
import { featureMatrix, type FeatureMatrix } from "./feature-matrix";
import { computeManifoldMetrics } from "./compute-manifold-metrics";

const D = 8;
const set = (seed: number, rows: number, shift = 0, scale = 1) =>
  featureMatrix({
    data: sampleGaussian({
      mean: new Array(D).fill(shift),
      transform: Array.from({ length: D * D }, (_, i) => (Math.floor(i / D) === i % D ? scale : 0)),
      rows,
      seed,
    }),
    cols: D,
  });

/** The four metrics straight from their definitions (as in the prdc reference code). */
function bruteForce(fake: FeatureMatrix, real: FeatureMatrix) {
  const dist = (p: FeatureMatrix, i: number, q: FeatureMatrix, j: number) => {
    let s = 0;
    for (let t = 0; t < D; t++) s += (p.data[i * D + t] - q.data[j * D + t]) ** 2;
    return Math.sqrt(s);
  };
  const radius = (x: FeatureMatrix, i: number, k: number) => {
    const d = [];
    for (let j = 0; j < x.rows; j++) if (j !== i) d.push(dist(x, i, x, j));
    return d.sort((a, b) => a - b)[k - 1];
  };
  const r3 = Array.from({ length: real.rows }, (_, i) => radius(real, i, 3));
  const r5 = Array.from({ length: real.rows }, (_, i) => radius(real, i, 5));
  const f3 = Array.from({ length: fake.rows }, (_, i) => radius(fake, i, 3));
  let precision = 0,
    density = 0;
  for (let j = 0; j < fake.rows; j++) {
    let inside = false;
    for (let i = 0; i < real.rows; i++) {
      const d = dist(fake, j, real, i);
      if (d < r3[i]) inside = true;
      if (d < r5[i]) density++;
    }
    if (inside) precision++;
  }
  let recall = 0,
    coverage = 0;
  for (let i = 0; i < real.rows; i++) {
    let inside = false;
    let min = Infinity;
    for (let j = 0; j < fake.rows; j++) {
      const d = dist(real, i, fake, j);
      if (d < f3[j]) inside = true;
      min = Math.min(min, d);
    }
    if (inside) recall++;
    if (min < r5[i]) coverage++;
  }
  return {
    precision: precision / fake.rows,
    recall: recall / real.rows,
    density: density / (5 * fake.rows),
    coverage: coverage / real.rows,
  };
}

describe("computeManifoldMetrics", () => {
  it("matches the definitions on overlapping sets of different sizes", () => {
    const fake = set(1, 230, 0.3, 0.7);
    const real = set(2, 170);
    const got = computeManifoldMetrics({ generated: fake, real });
    const want = bruteForce(fake, real);
    expect(got.precision).toBeCloseTo(want.precision, 12);
    expect(got.recall).toBeCloseTo(want.recall, 12);
    expect(got.density).toBeCloseTo(want.density, 12);
    expect(got.coverage).toBeCloseTo(want.coverage, 12);
    // Not a degenerate case: the shifted, shrunken set covers part of the real one.
    expect(want.recall).toBeGreaterThan(0.1);
    expect(want.recall).toBeLessThan(0.95);
  });

  it("gives precision = recall = coverage = 1 and density = 1 for a set against itself", () => {
    const x = set(3, 1_500);
    expect(computeManifoldMetrics({ generated: x, real: x })).toEqual({ precision: 1, recall: 1, density: 1, coverage: 1 });
  });

  it("gives 0 everywhere for far-apart clusters", () => {
    expect(computeManifoldMetrics({ generated: set(4, 500, 50), real: set(5, 500) })).toEqual({
      precision: 0,
      recall: 0,
      density: 0,
      coverage: 0,
    });
  });

  it("separates fidelity from diversity: a collapsed generator has high precision, low recall", () => {
    const real = set(6, 2_000);
    const collapsed = computeManifoldMetrics({ generated: set(7, 2_000, 0, 0.2), real });
    const honest = computeManifoldMetrics({ generated: set(8, 2_000), real });
    expect(collapsed.precision).toBeGreaterThan(0.95);
    expect(collapsed.recall).toBeLessThan(0.2);
    expect(collapsed.coverage).toBeLessThan(honest.coverage);
    expect(honest.recall).toBeGreaterThan(0.6);
    expect(honest.precision).toBeGreaterThan(0.6);
  });
});
