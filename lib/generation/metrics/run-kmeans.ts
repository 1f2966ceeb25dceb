import { mulberry32 } from "../../random/mulberry32";
import { assertRows, selectRows, type FeatureMatrix } from "./feature-matrix";
import { forEachDistanceBlock } from "./for-each-distance-block";
import { seededPermutation } from "./seeded-permutation";

export interface KMeansResult {
  /** k x D centroids, row-major. */
  centroids: FeatureMatrix;
  iterations: number;
}

/**
 * k-means (Lloyd's algorithm) with k-means++ seeding, deterministic for a seed. Fitted on at
 * most `maxRows` rows (a seeded sample) because the partition only needs to be reasonable, not
 * optimal: C_T compares generated and held-out samples within the SAME cells, so any fixed
 * partition gives a valid test. An empty cell keeps its previous centroid.
 */
export function runKMeans(options: {
  features: FeatureMatrix;
  k: number;
  seed?: number;
  maxIterations?: number;
  maxRows?: number;
}): KMeansResult {
  const { k } = options;
  assertRows(options.features, k, "rows (at least one per cell)");
  const rand = mulberry32(options.seed ?? 0xc0ffee);
  const maxRows = options.maxRows ?? 20_000;
  const x =
    options.features.rows > maxRows
      ? selectRows(options.features, seededPermutation(options.features.rows, rand).subarray(0, maxRows))
      : options.features;
  const n = x.rows;
  const d = x.cols;

  // k-means++: each next centre drawn with probability proportional to the squared distance to the nearest centre so far.
  const centres = new Float32Array(k * d);
  const first = Math.floor(rand() * n);
  centres.set(x.data.subarray(first * d, (first + 1) * d), 0);
  const nearest = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    const last = { rows: 1, cols: d, data: centres.subarray((c - 1) * d, c * d) };
    forEachDistanceBlock({
      a: x,
      b: last,
      kind: "sqdist",
      visit: ({ values, rowStart, rowEnd, width }) => {
        for (let i = rowStart; i < rowEnd; i++) nearest[i] = Math.min(nearest[i], values[(i - rowStart) * width]);
      },
    });
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i];
    let target = rand() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) {
        pick = i;
        break;
      }
    }
    centres.set(x.data.subarray(pick * d, (pick + 1) * d), c * d);
  }

  const centroids: FeatureMatrix = { rows: k, cols: d, data: centres };
  const maxIterations = options.maxIterations ?? 30;
  let assignment = assignCells({ features: x, centroids });
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assignment[i];
      counts[c]++;
      for (let t = 0; t < d; t++) sums[c * d + t] += x.data[i * d + t];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue;
      for (let t = 0; t < d; t++) centres[c * d + t] = sums[c * d + t] / counts[c];
    }
    const next = assignCells({ features: x, centroids });
    let changed = 0;
    for (let i = 0; i < n; i++) if (next[i] !== assignment[i]) changed++;
    assignment = next;
    if (changed === 0) break;
  }
  return { centroids, iterations };
}

/** The index of each row's nearest centroid (ties to the lower index). */
export function assignCells(options: { features: FeatureMatrix; centroids: FeatureMatrix }): Int32Array {
  const { features, centroids } = options;
  const best = new Float64Array(features.rows).fill(Infinity);
  const cell = new Int32Array(features.rows);
  forEachDistanceBlock({
    a: features,
    b: centroids,
    kind: "sqdist",
    visit: ({ values, rowStart, rowEnd, colStart, colEnd, width }) => {
      for (let i = rowStart; i < rowEnd; i++) {
        const o = (i - rowStart) * width - colStart;
        for (let j = colStart; j < colEnd; j++) {
          if (values[o + j] < best[i]) {
            best[i] = values[o + j];
            cell[i] = j;
          }
        }
      }
    },
  });
  return cell;
}
