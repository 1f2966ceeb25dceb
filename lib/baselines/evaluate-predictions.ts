import { ATTRIBUTES, CLASSES, type Attribute } from "../challenge/definition";
import { attributeMetricsFromConfusion } from "../metrics/compute-attribute-metrics";
import type { EncodedLabels, ValidationReport } from "./types";

/**
 * Macro-F1 per attribute and their mean on the given rows, with the scorer's own metric code
 * (n/a truth skipped), so a validation number means the same thing as a leaderboard score.
 * `predict` gives the predicted class of a row for an attribute.
 */
export function evaluatePredictions(options: {
  labels: EncodedLabels;
  rows: ArrayLike<number>;
  predict: (attribute: Attribute, row: number) => number;
}): ValidationReport {
  const { labels, rows, predict } = options;
  const macroF1 = {} as Record<Attribute, number | null>;
  const available: number[] = [];
  for (const attribute of ATTRIBUTES) {
    const k = CLASSES[attribute].length;
    const confusion = new Array<number>(k * k).fill(0);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const truth = labels[attribute][row];
      if (truth < 0) continue;
      confusion[truth * k + predict(attribute, row)]++;
    }
    const f1 = attributeMetricsFromConfusion(CLASSES[attribute], confusion).macroF1;
    macroF1[attribute] = f1;
    if (f1 !== null) available.push(f1);
  }
  const main = available.length ? available.reduce((a, b) => a + b, 0) / available.length : 0;
  return { rows: rows.length, macroF1, main };
}
