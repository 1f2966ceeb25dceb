import { assertRows, type FeatureMatrix } from "./feature-matrix";
import { forEachDistanceBlock } from "./for-each-distance-block";

/**
 * For each row, the SQUARED Euclidean distance to its k-th nearest other row of the same set, for
 * every k in `ks` (one pass serves several k: precision/recall use k = 3, density/coverage k = 5).
 * The row itself is excluded by index; an exact duplicate elsewhere in the set counts as a
 * neighbour at distance 0 (as in the reference implementations, which drop only column 0 of the
 * sorted self-distances).
 *
 * Exact, not approximate: the set is compared with itself block by block (each unordered pair
 * once), each row keeping its k smallest distances in a small sorted list.
 */
export function computeKnnRadii(options: { features: FeatureMatrix; ks: readonly number[] }): Map<number, Float64Array> {
  const { features, ks } = options;
  const kMax = Math.max(...ks);
  assertRows(features, kMax + 1, "feature rows (more than k)");
  const n = features.rows;
  const best = new Float64Array(n * kMax).fill(Infinity);
  const offer = (i: number, v: number) => {
    const o = i * kMax;
    if (v >= best[o + kMax - 1]) return;
    let p = kMax - 1;
    while (p > 0 && best[o + p - 1] > v) {
      best[o + p] = best[o + p - 1];
      p--;
    }
    best[o + p] = v;
  };
  forEachDistanceBlock({
    a: features,
    kind: "sqdist",
    visit: ({ values, rowStart, rowEnd, colStart, colEnd, width }) => {
      for (let i = rowStart; i < rowEnd; i++) {
        const o = (i - rowStart) * width - colStart;
        const limitI = i * kMax + kMax - 1;
        for (let j = colStart; j < colEnd; j++) {
          if (j === i) continue;
          const v = values[o + j];
          if (v < best[limitI]) offer(i, v);
          // Pairs whose column lies past this block's rows are produced once only: count them for j too.
          if (j >= rowEnd && v < best[j * kMax + kMax - 1]) offer(j, v);
        }
      }
    },
  });
  const out = new Map<number, Float64Array>();
  for (const k of ks) {
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = best[i * kMax + k - 1];
    out.set(k, r);
  }
  return out;
}
