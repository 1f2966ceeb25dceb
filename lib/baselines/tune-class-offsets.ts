import { attributeMetricsFromConfusion } from "../metrics/compute-attribute-metrics";

/**
 * Per-class offsets added to a classifier's log-probabilities (equivalently, to its logits)
 * that maximise macro-F1 on held-out rows. Training with balanced class weights already moves
 * the decision towards the rare classes; how far is best for macro-F1 depends on how well each
 * rare class is separated, which only held-out predictions tell. A coordinate search: each
 * class's offset in turn over a coarse grid, keeping a change only when macro-F1 rises by more
 * than `minGain` (small held-out classes are noisy: 20 bald images), for a few rounds.
 *
 * For a softmax head the offsets fold into the last Dense layer's bias, so the model itself
 * predicts argmax(log p + offset) and the scorer needs nothing special.
 */
export function tuneClassOffsets(options: {
  /** rows x classes probabilities, row-major. */
  probabilities: Float32Array;
  /** Class index per row; negative = unknown (skipped). */
  truth: ArrayLike<number>;
  classes: readonly string[];
  /** Offsets tried per class (default -1.5..1.5 in steps of 0.25). */
  grid?: readonly number[];
  rounds?: number;
  minGain?: number;
}): { offsets: Float64Array; before: number; after: number } {
  const { probabilities, truth, classes } = options;
  const k = classes.length;
  const rows = truth.length;
  const grid = options.grid ?? Array.from({ length: 13 }, (_, i) => -1.5 + i * 0.25);
  const minGain = options.minGain ?? 0.002;
  const logp = new Float64Array(rows * k);
  for (let i = 0; i < logp.length; i++) logp[i] = Math.log(Math.max(1e-12, probabilities[i]));
  const offsets = new Float64Array(k);
  const confusion = new Array<number>(k * k);
  const macroF1 = (): number => {
    confusion.fill(0);
    for (let r = 0; r < rows; r++) {
      const t = truth[r];
      if (t < 0) continue;
      let best = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < k; c++) {
        const v = logp[r * k + c] + offsets[c];
        if (v > bestValue) {
          bestValue = v;
          best = c;
        }
      }
      confusion[t * k + best]++;
    }
    return attributeMetricsFromConfusion(classes, confusion).macroF1 ?? 0;
  };
  const before = macroF1();
  let current = before;
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    let changed = false;
    for (let c = 0; c < k; c++) {
      const kept = offsets[c];
      let bestOffset = kept;
      let bestScore = current;
      for (const g of grid) {
        offsets[c] = g;
        const score = macroF1();
        if (score > bestScore + minGain) {
          bestScore = score;
          bestOffset = g;
        }
      }
      offsets[c] = bestOffset;
      if (bestOffset !== kept) {
        changed = true;
        current = bestScore;
      }
    }
    if (!changed) break;
  }
  return { offsets, before, after: current };
}
