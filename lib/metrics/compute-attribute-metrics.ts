import { NA } from "../challenge/definition";
import type { AttributeMetrics, ClassMetrics } from "./types";

/*
 * Conventions:
 *
 * - Rows whose truth is `n/a` are dropped before anything is counted: an unknown label can be
 *   neither right nor wrong. Predictions are always classes (the CSV check refuses `n/a`).
 * - Macro-F1 averages per-class F1 over the classes that occur in the truth OR in the
 *   predictions of the scored rows. This is what scikit-learn's
 *   `f1_score(y_true, y_pred, average="macro")` does when `labels` is not passed, so a
 *   participant can reproduce the score locally after dropping the `n/a` rows.
 *   - A class absent from both is left out: there is nothing to measure, and counting it as 0
 *     (sklearn with an explicit `labels=` and zero_division=0) would lower every submission by
 *     the same arbitrary amount on a split that happens to lack, say, bald images.
 *   - A class predicted but never true counts with F1 = 0: those predictions are all wrong and
 *     must cost something, otherwise spraying a rare class would be free.
 *   - Per-class F1 is 2TP / (2TP + FP + FN), which is defined exactly for the classes above, so
 *     "which classes count" and "which F1s are defined" are the same rule.
 * - Precision of a never-predicted class and recall of a class absent from the truth are 0/0:
 *   reported as null ("undefined"), not 0, so a table does not show a fake measurement.
 * - No scored rows (all truth `n/a`): accuracy and macro-F1 are null; the caller decides what
 *   that means for the main score (compute-scores averages the available attributes).
 */

/**
 * Metrics for one attribute from a k x k confusion matrix stored row-major
 * (index truth * k + prediction). The scorer accumulates these directly, which is why this
 * entry point exists beside computeAttributeMetrics.
 */
export function attributeMetricsFromConfusion(classes: readonly string[], confusion: ArrayLike<number>): AttributeMetrics {
  const k = classes.length;
  if (confusion.length !== k * k) {
    throw new Error(`confusion matrix has ${confusion.length} cells, expected ${k * k}`);
  }
  const support = new Array<number>(k).fill(0);
  const predicted = new Array<number>(k).fill(0);
  let n = 0;
  let correct = 0;
  const matrix: number[][] = [];
  for (let t = 0; t < k; t++) {
    const row = new Array<number>(k);
    for (let p = 0; p < k; p++) {
      const c = confusion[t * k + p];
      row[p] = c;
      support[t] += c;
      predicted[p] += c;
      n += c;
    }
    correct += row[t];
    matrix.push(row);
  }

  const perClass: ClassMetrics[] = [];
  let f1Sum = 0;
  let f1Count = 0;
  for (let c = 0; c < k; c++) {
    const tp = matrix[c][c];
    const fp = predicted[c] - tp;
    const fn = support[c] - tp;
    const denom = 2 * tp + fp + fn;
    const f1 = denom === 0 ? null : (2 * tp) / denom;
    if (f1 !== null) {
      f1Sum += f1;
      f1Count++;
    }
    perClass.push({
      label: classes[c],
      support: support[c],
      predicted: predicted[c],
      truePositives: tp,
      precision: predicted[c] === 0 ? null : tp / predicted[c],
      recall: support[c] === 0 ? null : tp / support[c],
      f1,
    });
  }

  return {
    classes,
    n,
    accuracy: n === 0 ? null : correct / n,
    macroF1: n === 0 ? null : f1Sum / f1Count,
    perClass,
    confusion: matrix,
  };
}

/**
 * Metrics for one attribute from parallel truth and prediction lists.
 * Truth may contain `n/a` (row skipped); any other value outside `classes` is a programming or
 * data error and throws, since validated input can never contain one.
 */
export function computeAttributeMetrics(options: {
  truth: readonly string[];
  predictions: readonly string[];
  classes: readonly string[];
}): AttributeMetrics {
  const { truth, predictions, classes } = options;
  if (truth.length !== predictions.length) {
    throw new Error(`truth has ${truth.length} rows but predictions has ${predictions.length}`);
  }
  const k = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const confusion = new Int32Array(k * k);
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] === NA) continue;
    const t = index.get(truth[i]);
    const p = index.get(predictions[i]);
    if (t === undefined) throw new Error(`truth row ${i}: unknown class ${JSON.stringify(truth[i])}`);
    if (p === undefined) {
      throw new Error(`prediction row ${i}: unknown class ${JSON.stringify(predictions[i])}`);
    }
    confusion[t * k + p]++;
  }
  return attributeMetricsFromConfusion(classes, confusion);
}
