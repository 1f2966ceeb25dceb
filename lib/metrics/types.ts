import type { Attribute, GenderLabel, HairColorLabel, HairTypeLabel, NA } from "../challenge/definition";

/** One participant prediction for one test image: always a class, never `n/a`. */
export interface Prediction {
  Gender: GenderLabel;
  Hair_Color: HairColorLabel;
  Hair_Type: HairTypeLabel;
}

export type TestSplit = "public" | "private";

/** One hidden test label row as the scorer sees it. `n/a` truth is never scored. */
export interface HiddenLabelRow {
  Image_Id: string;
  Split: TestSplit;
  // Gender is never `n/a` in the dataset; the metrics still tolerate it so the code has one rule.
  Gender: GenderLabel | typeof NA;
  Hair_Color: HairColorLabel | typeof NA;
  Hair_Type: HairTypeLabel | typeof NA;
}

export interface ClassMetrics {
  label: string;
  /** Rows whose truth is this class. */
  support: number;
  /** Rows predicted as this class (among scored rows). */
  predicted: number;
  truePositives: number;
  /** null when the class is never predicted (0/0): "undefined", not zero. */
  precision: number | null;
  /** null when the class never occurs in the truth (0/0). */
  recall: number | null;
  /**
   * 2TP / (2TP + FP + FN). null only when the class is absent from both truth and predictions,
   * which is exactly when it is left out of the macro average.
   */
  f1: number | null;
}

export interface AttributeMetrics {
  /** Canonical class order (CLASSES[attribute]); also the order of perClass and the confusion axes. */
  classes: readonly string[];
  /** Rows scored (truth not `n/a`). */
  n: number;
  /** null when n = 0. */
  accuracy: number | null;
  /** Mean F1 over classes present in the truth or the predictions; null when n = 0. */
  macroF1: number | null;
  perClass: ClassMetrics[];
  /** confusion[truth][prediction], plain arrays so the result is JSON-serialisable as is. */
  confusion: number[][];
}

export interface FairnessScores {
  /** Hair_Color macro-F1 over images whose true Gender is female. */
  hairColorMacroF1Female: number | null;
  hairColorMacroF1Male: number | null;
  /** female - male; positive means the model is better on women. null if either side is null. */
  gap: number | null;
  absGap: number | null;
}

export interface SplitScores {
  /** Label rows in this split (whatever their `n/a`s). */
  n: number;
  /** Mean of the available macro-F1s of the three attributes; null if none is available. */
  main: number | null;
  attributes: Record<Attribute, AttributeMetrics>;
  fairness: FairnessScores;
}

export interface Scores {
  public: SplitScores;
  private: SplitScores;
}
