import { assertSameWidth, selectRows, type FeatureMatrix } from "./feature-matrix";
import { findNearestNeighbours } from "./find-nearest-neighbours";
import { mannWhitneyZ } from "./mann-whitney-z";
import { assignCells, runKMeans } from "./run-kmeans";

export interface CtCell {
  cell: number;
  heldOut: number;
  generated: number;
  z: number;
}

export interface CtResult {
  /** The weighted z-score; strongly negative (below about -3) means data copying. Null when no cell has enough samples. */
  ct: number | null;
  cells: CtCell[];
}

/**
 * The C_T data-copying test of Meehan, Chaudhuri & Dasgupta (2020). The train features are
 * partitioned into `cells` k-means cells. In each cell, every held-out real sample and every
 * generated sample gets its Euclidean distance to the nearest TRAIN sample of that cell, and the
 * two distance samples are compared by the Mann-Whitney U z-score (generated vs held-out):
 * a generator that copies puts its samples closer to the train set than fresh real data are,
 * so z < 0. The cells' z-scores are combined weighted by each cell's share of held-out samples:
 *
 *   C_T = sum_c  w_c z_c / sqrt(sum_c w_c^2),   w_c = (held-out in c) / (all held-out)
 *
 * Only cells with at least `minCellSamples` generated AND held-out samples count (the paper's
 * threshold keeps the normal approximation honest); which cells qualify is returned with each z.
 * Under the null (generated ~ held-out) C_T is approximately standard normal.
 */
export function computeCtStatistic(options: {
  generated: FeatureMatrix;
  heldOut: FeatureMatrix;
  train: FeatureMatrix;
  cells?: number;
  minCellSamples?: number;
  seed?: number;
}): CtResult {
  const { generated, heldOut, train } = options;
  assertSameWidth(generated, train, "generated and train features");
  assertSameWidth(heldOut, train, "held-out and train features");
  const k = Math.min(options.cells ?? 20, train.rows);
  const minCell = options.minCellSamples ?? 20;
  const { centroids } = runKMeans({ features: train, k, seed: options.seed });
  const trainCell = assignCells({ features: train, centroids });
  const genCell = assignCells({ features: generated, centroids });
  const heldCell = assignCells({ features: heldOut, centroids });

  const rowsOf = (cellOf: Int32Array, c: number) => {
    const out: number[] = [];
    for (let i = 0; i < cellOf.length; i++) if (cellOf[i] === c) out.push(i);
    return out;
  };
  const cells: CtCell[] = [];
  for (let c = 0; c < k; c++) {
    const g = rowsOf(genCell, c);
    const h = rowsOf(heldCell, c);
    const t = rowsOf(trainCell, c);
    if (g.length < minCell || h.length < minCell || t.length === 0) continue;
    const cellTrain = selectRows(train, t);
    const gd = findNearestNeighbours({ query: selectRows(generated, g), reference: cellTrain }).l2;
    const hd = findNearestNeighbours({ query: selectRows(heldOut, h), reference: cellTrain }).l2;
    cells.push({ cell: c, heldOut: h.length, generated: g.length, z: mannWhitneyZ(gd, hd) });
  }
  if (cells.length === 0) return { ct: null, cells };
  let num = 0;
  let den = 0;
  for (const cell of cells) {
    const w = cell.heldOut / heldOut.rows;
    num += w * cell.z;
    den += w * w;
  }
  return { ct: num / Math.sqrt(den), cells };
}
