import { ATTRIBUTES, attributeMetricsFromConfusion, CLASSES, type Attribute } from "./platform";

export interface Evaluation {
  macroF1: Record<Attribute, number | null>;
  /** Mean of the available macro-F1s: the leaderboard's main score. */
  main: number | null;
}

/**
 * Macro-F1 per attribute of predictions for `rows`, with the platform's own metric code (rows
 * whose label is n/a skipped), so a validation number means what a leaderboard score means.
 */
export function evaluateLabels(options: {
  truth: Record<Attribute, Int8Array>;
  rows: ArrayLike<number>;
  predicted: Record<Attribute, Uint8Array>;
}): Evaluation {
  const macroF1 = {} as Record<Attribute, number | null>;
  for (const a of ATTRIBUTES) {
    const k = CLASSES[a].length;
    const confusion = new Array<number>(k * k).fill(0);
    for (let i = 0; i < options.rows.length; i++) {
      const truth = options.truth[a][options.rows[i]];
      if (truth >= 0) confusion[truth * k + options.predicted[a][i]]++;
    }
    macroF1[a] = attributeMetricsFromConfusion(CLASSES[a], confusion).macroF1;
  }
  const available = ATTRIBUTES.map((a) => macroF1[a]).filter((v): v is number => v !== null);
  return { macroF1, main: available.length ? available.reduce((s, v) => s + v, 0) / available.length : null };
}
