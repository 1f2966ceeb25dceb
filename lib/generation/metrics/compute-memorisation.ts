import { assertSameWidth, type FeatureMatrix } from "./feature-matrix";
import { computeCtStatistic, type CtResult } from "./compute-ct-statistic";
import { findNearestNeighbours, type NearestNeighbours } from "./find-nearest-neighbours";

export interface MemorisationOptions {
  generated: FeatureMatrix;
  train: FeatureMatrix;
  /** Real images NOT in the train set (the phase's held-out real set): the reference for "how close is normal". */
  heldOut: FeatureMatrix;
  /** Percentile (0..1) of held-out-to-train distances below which a generated sample is a near-copy (default 0.01). */
  nearCopyPercentile?: number;
  ctCells?: number;
  ctMinCellSamples?: number;
  seed?: number;
}

export interface Memorisation {
  /** MiFID's memorisation distance: mean over generated samples of the minimum cosine distance to the train set. */
  meanMinCosine: number;
  /** The same for the held-out real samples: what an honest generator can expect. */
  heldOutMeanMinCosine: number;
  /** Euclidean distance under which a generated sample counts as a near-copy of a train sample. */
  nearCopyThreshold: number;
  /** Share (0..1) of generated samples closer than that to some train sample (an honest generator: about the percentile). */
  nearCopyShare: number;
  ct: CtResult;
  /** Per generated sample: nearest train sample and both distances (for the gallery). */
  nearest: NearestNeighbours;
}

/**
 * How much a generator copies its training data, seen from three sides: the MiFID distance
 * (Bai et al. 2021: are generated samples, on average, unusually close in direction to train
 * samples?), the near-copy share (how many samples sit closer to a train sample than almost any
 * fresh real image does), and the C_T test (Meehan et al. 2020: are generated samples closer to
 * the train set than held-out real samples, cell by cell?). The penalty itself is applied in
 * combineGenerationScore.
 */
export function computeMemorisation(options: MemorisationOptions): Memorisation {
  const { generated, train, heldOut } = options;
  assertSameWidth(generated, train, "generated and train features");
  assertSameWidth(heldOut, train, "held-out and train features");
  const nearest = findNearestNeighbours({ query: generated, reference: train });
  const held = findNearestNeighbours({ query: heldOut, reference: train });
  const p = options.nearCopyPercentile ?? 0.01;
  const sorted = Float64Array.from(held.l2).sort();
  const threshold = sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
  let near = 0;
  for (let i = 0; i < nearest.l2.length; i++) if (nearest.l2[i] < threshold) near++;
  const ct = computeCtStatistic({
    generated,
    heldOut,
    train,
    cells: options.ctCells,
    minCellSamples: options.ctMinCellSamples,
    seed: options.seed,
  });
  return {
    meanMinCosine: mean(nearest.cosine),
    heldOutMeanMinCosine: mean(held.cosine),
    nearCopyThreshold: threshold,
    nearCopyShare: near / generated.rows,
    ct,
    nearest,
  };
}

function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}
