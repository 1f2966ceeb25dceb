import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../random/mulberry32";
import { sampleGaussian } from "../sample-gaussian";
import { featureMatrix, featureMatrixFromRows, selectRows, type FeatureMatrix } from "./feature-matrix";
import { computeMemorisation } from "./compute-memorisation";
import { mannWhitneyZ } from "./mann-whitney-z";
import { assignCells, runKMeans } from "./run-kmeans";
import { findNearestNeighbours } from "./find-nearest-neighbours";

const D = 16;
const set = (seed: number, rows: number) => featureMatrix({ data: sampleGaussian({ mean: new Array(D).fill(0), rows, seed }), cols: D });
const resample = (from: FeatureMatrix, rows: number, seed: number) => {
  const rand = mulberry32(seed);
  return selectRows(
    from,
    Array.from({ length: rows }, () => Math.floor(rand() * from.rows)),
  );
};

describe("mannWhitneyZ", () => {
  it("matches hand-computed cases, ties counting one half", () => {
    // U = 0 of 9 pairs: z = -4.5 / sqrt(9 * 7 / 12)
    expect(mannWhitneyZ([1, 2, 3], [4, 5, 6])).toBeCloseTo(-4.5 / Math.sqrt(63 / 12), 12);
    expect(mannWhitneyZ([4, 5, 6], [1, 2, 3])).toBeCloseTo(4.5 / Math.sqrt(63 / 12), 12);
    expect(mannWhitneyZ([1, 1], [1, 1])).toBe(0);
    // U = #{a > b} + ties / 2 = (1 + 0.5) for a = [2, 3], b = [2, 5]: z = (1.5 - 2) / sqrt(4 * 5 / 12)
    expect(mannWhitneyZ([2, 3], [2, 5])).toBeCloseTo(-0.5 / Math.sqrt(20 / 12), 12);
  });
});

describe("runKMeans", () => {
  it("finds three well-separated clusters, the same way for the same seed", () => {
    const rows: number[][] = [];
    const rand = mulberry32(1);
    for (const centre of [0, 10, 20]) for (let i = 0; i < 50; i++) rows.push([centre + rand(), -centre + rand()]);
    const x = featureMatrixFromRows(rows);
    const { centroids } = runKMeans({ features: x, k: 3, seed: 5 });
    const cells = assignCells({ features: x, centroids });
    for (let c = 0; c < 3; c++) {
      const block = [...cells.slice(c * 50, (c + 1) * 50)];
      expect(new Set(block).size).toBe(1);
    }
    expect(new Set(cells).size).toBe(3);
    expect(runKMeans({ features: x, k: 3, seed: 5 }).centroids.data).toEqual(centroids.data);
  });
});

describe("findNearestNeighbours", () => {
  it("finds the nearest row by L2 and by direction", () => {
    const train = featureMatrixFromRows([
      [1, 0],
      [0, 3],
      [10, 10],
    ]);
    const query = featureMatrixFromRows([
      [0.9, 0.1],
      [0, 0.5],
      [0, 0],
    ]);
    const r = findNearestNeighbours({ query, reference: train });
    expect([...r.l2Index]).toEqual([0, 0, 0]);
    expect(r.l2[1]).toBeCloseTo(Math.hypot(1, 0.5), 6);
    // (0, 0.5) points exactly along (0, 3); the zero vector has no direction (distance 1).
    expect(r.cosine[1]).toBeCloseTo(0, 6);
    expect(r.cosine[2]).toBe(1);
  });
});

describe("computeMemorisation", () => {
  const train = set(1, 3_000);
  const heldOut = set(2, 1_500);

  it("flags copies of train features: near-copy share ~1, min cosine ~0, C_T strongly negative", () => {
    const copies = resample(train, 1_500, 3);
    const m = computeMemorisation({ generated: copies, train, heldOut, ctCells: 5 });
    expect(m.nearCopyShare).toBe(1);
    expect(m.meanMinCosine).toBeLessThan(1e-6);
    expect(m.ct.ct).toBeLessThan(-10);
    expect(m.ct.cells.length).toBeGreaterThanOrEqual(3);
    expect([...m.nearest.l2].every((d) => d < 1e-3)).toBe(true);
  });

  it("does not flag fresh samples of the same distribution: share ~ the percentile, C_T ~ N(0, 1)", () => {
    const m = computeMemorisation({ generated: set(4, 1_500), train, heldOut, ctCells: 5 });
    expect(m.nearCopyShare).toBeLessThan(0.04);
    expect(Math.abs(m.ct.ct!)).toBeLessThan(3);
    expect(m.meanMinCosine).toBeGreaterThan(0.1);
    expect(m.meanMinCosine / m.heldOutMeanMinCosine).toBeGreaterThan(0.9);
  });

  it("catches partial copying: half copies, half fresh", () => {
    const half = featureMatrix({ data: Float32Array.from([...resample(train, 750, 5).data, ...set(6, 750).data]), cols: D });
    const m = computeMemorisation({ generated: half, train, heldOut, ctCells: 5 });
    expect(m.nearCopyShare).toBeGreaterThan(0.45);
    expect(m.nearCopyShare).toBeLessThan(0.55);
    expect(m.ct.ct).toBeLessThan(-5);
  });
});
