import { describe, expect, it } from "vitest";
import { drawNormals } from "../draw-normals";
import { featureMatrix, featureMatrixFromRows } from "./feature-matrix";
import { forEachDistanceBlock } from "./for-each-distance-block";
import { computeKnnRadii } from "./compute-knn-radii";

const D = 13; // odd, so no loop can assume a multiple of 4
const a = featureMatrix({ data: drawNormals({ seed: 1, count: 71 * D }), cols: D }); // 71 rows: remainders in every block
const b = featureMatrix({ data: drawNormals({ seed: 2, count: 37 * D }), cols: D });

function sq(x: Float32Array | Float64Array, i: number, y: Float32Array | Float64Array, j: number): number {
  let s = 0;
  for (let k = 0; k < D; k++) s += (x[i * D + k] - y[j * D + k]) ** 2;
  return s;
}

describe("forEachDistanceBlock", () => {
  it("visits every pair of two sets exactly once with the right squared distance and dot product", () => {
    const seen = new Map<string, number>();
    forEachDistanceBlock({
      a,
      b,
      kind: "sqdist",
      rowBlock: 8,
      colBlock: 6,
      visit: ({ values, rowStart, rowEnd, colStart, colEnd, width }) => {
        for (let i = rowStart; i < rowEnd; i++)
          for (let j = colStart; j < colEnd; j++) {
            expect(seen.has(`${i},${j}`)).toBe(false);
            seen.set(`${i},${j}`, values[(i - rowStart) * width + j - colStart]);
          }
      },
    });
    expect(seen.size).toBe(71 * 37);
    for (const [key, v] of seen) {
      const [i, j] = key.split(",").map(Number);
      expect(v).toBeCloseTo(sq(a.data, i, b.data, j), 4);
    }
    forEachDistanceBlock({
      a,
      b,
      kind: "dot",
      visit: ({ values, rowStart, colStart, width }) => {
        let s = 0;
        for (let k = 0; k < D; k++) s += a.data[rowStart * D + k] * b.data[colStart * D + k];
        expect(values[0]).toBeCloseTo(s, 4);
        void width;
      },
    });
  });

  it("in symmetric mode covers each unordered pair, mirrored by the documented rule", () => {
    const count = new Map<string, number>();
    forEachDistanceBlock({
      a,
      kind: "sqdist",
      rowBlock: 8,
      colBlock: 6,
      visit: ({ rowStart, rowEnd, colStart, colEnd }) => {
        for (let i = rowStart; i < rowEnd; i++)
          for (let j = colStart; j < colEnd; j++) {
            const bump = (p: number, q: number) => count.set(`${p},${q}`, (count.get(`${p},${q}`) ?? 0) + 1);
            bump(i, j);
            if (j >= rowEnd) bump(j, i);
          }
      },
    });
    for (let i = 0; i < 71; i++) for (let j = 0; j < 71; j++) expect(count.get(`${i},${j}`)).toBe(1);
  });

  it("gives the full pass, not the symmetric half, when the same set is passed as b", () => {
    let pairs = 0;
    forEachDistanceBlock({
      a,
      b: a,
      kind: "dot",
      rowBlock: 8,
      colBlock: 6,
      visit: ({ rowStart, rowEnd, width }) => void (pairs += (rowEnd - rowStart) * width),
    });
    expect(pairs).toBe(71 * 71);
  });
});

describe("computeKnnRadii", () => {
  it("equals the brute-force k-th nearest other row, duplicates counting as neighbours", () => {
    const radii = computeKnnRadii({ features: a, ks: [1, 3, 5] });
    for (let i = 0; i < a.rows; i++) {
      const d = [];
      for (let j = 0; j < a.rows; j++) if (j !== i) d.push(sq(a.data, i, a.data, j));
      d.sort((p, q) => p - q);
      for (const k of [1, 3, 5]) expect(radii.get(k)![i]).toBeCloseTo(d[k - 1], 4);
    }
    const dup = featureMatrixFromRows([
      [0, 0],
      [0, 0],
      [3, 4],
      [6, 8],
    ]);
    expect([...computeKnnRadii({ features: dup, ks: [1] }).get(1)!]).toEqual([0, 0, 25, 25]);
  });
});
