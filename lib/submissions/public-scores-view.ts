import { ATTRIBUTES, type Attribute } from "../challenge/definition";
import type { ClassMetrics, FairnessScores, SplitScores } from "../metrics/types";
import { roundToStep, type ScorePolicy } from "../phases/score-policy";
import type { ShownScore } from "../phases/show-public-scores";

export interface AttributeView {
  classes: readonly string[];
  n: number;
  accuracy: number | null;
  macroF1: number | null;
  /** null until the private reveal (see PublicScoresView). */
  perClass: ClassMetrics[] | null;
  confusion: number[][] | null;
}

/**
 * A submission's public-split scores as its owner may see them (the API and the pages send
 * exactly this). Before the private reveal the per-class metrics and the confusion matrices are
 * withheld: with everyone predicted `female` but image 1 `male`, the "predicted male" column of
 * the confusion matrix would say image 1's true gender (and an empty column that it is private).
 * Aggregates are rounded to the phase's step; under the Ladder only the laddered main score is
 * shown, since any other exact number would move with a single probed label.
 */
export interface PublicScoresView {
  /** Label rows in the public split (the same for every submission). */
  n: number;
  /** The shown main score: rounded, laddered, or exact after the reveal. */
  main: number | null;
  policy: ScorePolicy["kind"];
  /** The rounding / Ladder step; null when exact. */
  step: number | null;
  /** Ladder: false when this submission did not beat the best shown score by more than the step (main repeats that best). */
  fresh: boolean;
  /** null under the Ladder before the reveal. */
  attributes: Record<Attribute, AttributeView> | null;
  fairness: FairnessScores | null;
  /** True while per-class metrics and confusion matrices are withheld (until the reveal). */
  detailWithheld: boolean;
}

/** The participant's view of `scores` under `policy`; `shown` comes from lib/phases/show-public-scores. */
export function toPublicScoresView(options: { scores: SplitScores; policy: ScorePolicy; shown: ShownScore | undefined }): PublicScoresView {
  const { scores, policy } = options;
  if (policy.kind === "exact") {
    return {
      n: scores.n,
      main: scores.main,
      policy: "exact",
      step: null,
      fresh: true,
      attributes: scores.attributes,
      fairness: scores.fairness,
      detailWithheld: false,
    };
  }
  const r = (v: number | null) => (v === null ? null : roundToStep(v, policy.step));
  const main = options.shown?.shown ?? r(scores.main);
  if (policy.kind === "ladder") {
    return {
      n: scores.n,
      main,
      policy: "ladder",
      step: policy.step,
      fresh: options.shown?.fresh ?? true,
      attributes: null,
      fairness: null,
      detailWithheld: true,
    };
  }
  const attributes = Object.fromEntries(
    ATTRIBUTES.map((a): [Attribute, AttributeView] => {
      const m = scores.attributes[a];
      return [a, { classes: m.classes, n: m.n, accuracy: r(m.accuracy), macroF1: r(m.macroF1), perClass: null, confusion: null }];
    }),
  ) as Record<Attribute, AttributeView>;
  const f = scores.fairness;
  const fairness: FairnessScores = {
    hairColorMacroF1Female: r(f.hairColorMacroF1Female),
    hairColorMacroF1Male: r(f.hairColorMacroF1Male),
    gap: r(f.gap),
    absGap: r(f.absGap),
  };
  return { n: scores.n, main, policy: "rounded", step: policy.step, fresh: true, attributes, fairness, detailWithheld: true };
}
