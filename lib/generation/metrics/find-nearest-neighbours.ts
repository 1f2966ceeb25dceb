import { assertRows, assertSameWidth, type FeatureMatrix } from "./feature-matrix";
import { asFloat32, forEachDistanceBlock, squaredNorms } from "./for-each-distance-block";

export interface NearestNeighbours {
  /** Euclidean distance from each query row to its nearest reference row. */
  l2: Float64Array;
  /** Index of that nearest (by L2) reference row: the gallery shows it beside the sample. */
  l2Index: Int32Array;
  /** Smallest cosine distance 1 - x.y / (|x||y|) to any reference row (0 = same direction). */
  cosine: Float64Array;
}

/**
 * Each query row's nearest reference row, by Euclidean and by cosine distance, in one streamed
 * pass of dot products (both distances follow from the dot product and the two norms). A zero
 * vector has no direction: its cosine similarity with anything is taken as 0 (distance 1).
 */
export function findNearestNeighbours(options: { query: FeatureMatrix; reference: FeatureMatrix }): NearestNeighbours {
  const { query, reference } = options;
  assertSameWidth(query, reference, "feature sets");
  assertRows(reference, 1, "reference rows");
  const nq = squaredNorms(asFloat32(query), query.rows, query.cols);
  const nr = squaredNorms(asFloat32(reference), reference.rows, reference.cols);
  const lq = nq.map(Math.sqrt);
  const lr = nr.map(Math.sqrt);
  const bestSq = new Float64Array(query.rows).fill(Infinity);
  const bestIndex = new Int32Array(query.rows).fill(-1);
  const bestCos = new Float64Array(query.rows).fill(-Infinity);
  forEachDistanceBlock({
    a: query,
    b: reference,
    kind: "dot",
    visit: ({ values, rowStart, rowEnd, colStart, colEnd, width }) => {
      for (let i = rowStart; i < rowEnd; i++) {
        const o = (i - rowStart) * width - colStart;
        const ni = nq[i];
        const li = lq[i];
        let bs = bestSq[i];
        let bi = bestIndex[i];
        let bc = bestCos[i];
        for (let j = colStart; j < colEnd; j++) {
          const dot = values[o + j];
          const sq = ni + nr[j] - 2 * dot;
          if (sq < bs) {
            bs = sq;
            bi = j;
          }
          const denom = li * lr[j];
          const c = denom > 0 ? dot / denom : 0;
          if (c > bc) bc = c;
        }
        bestSq[i] = bs;
        bestIndex[i] = bi;
        bestCos[i] = bc;
      }
    },
  });
  const l2 = bestSq.map((v) => Math.sqrt(Math.max(v, 0)));
  // Rounding can push a cosine a hair past 1 for identical directions.
  const cosine = bestCos.map((c) => Math.max(0, 1 - Math.min(c, 1)));
  return { l2, l2Index: bestIndex, cosine };
}
