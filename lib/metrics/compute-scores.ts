import { ATTRIBUTES, CLASSES, NA, type Attribute } from "../challenge/definition";
import { attributeMetricsFromConfusion } from "./compute-attribute-metrics";
import type { FairnessScores, HiddenLabelRow, Prediction, Scores, SplitScores } from "./types";

/*
 * Scores one submission on both test parts in a single pass.
 *
 * Speed matters (26,947 test rows in a few ms, for every submission and every rescore): labels
 * are turned into class indices once per row and counted into flat Int32Array confusion
 * matrices; every metric is then derived from the matrices, never from the rows again.
 *
 * Main score: mean of the macro-F1s of the attributes that have at least one scored row in the
 * split. Which attributes are available depends only on the hidden truth, never on the
 * predictions, so every submission on a split is averaged over the same attributes and the
 * ranking stays fair. (Gender is never `n/a`, so in practice the mean is always over all three;
 * a split that is all `n/a` for an attribute would be a dataset bug, not a participant's.)
 *
 * Fairness: hair colour macro-F1 computed separately on images whose TRUE gender is female and
 * male (the original challenge's bias question is about the people in the images, not about
 * what the model thinks they are), with the same class-set convention as the main metric.
 */

const FEMALE = CLASSES.Gender.indexOf("female");
const MALE = CLASSES.Gender.indexOf("male");

/** label -> class index, with `n/a` -> -1. */
function indexOf(classes: readonly string[]): Map<string, number> {
  const m = new Map<string, number>(classes.map((c, i) => [c, i]));
  m.set(NA, -1);
  return m;
}

interface Accumulator {
  n: number;
  /** One k x k matrix per attribute, row-major, truth * k + prediction. */
  confusion: Record<Attribute, Int32Array>;
  /** Hair colour confusion by true gender, in CLASSES.Gender order. */
  hairColorByGender: Int32Array[];
}

function newAccumulator(): Accumulator {
  const square = (a: Attribute) => new Int32Array(CLASSES[a].length ** 2);
  return {
    n: 0,
    confusion: { Gender: square("Gender"), Hair_Color: square("Hair_Color"), Hair_Type: square("Hair_Type") },
    hairColorByGender: CLASSES.Gender.map(() => square("Hair_Color")),
  };
}

export function computeScores(options: { labels: readonly HiddenLabelRow[]; predictions: ReadonlyMap<string, Prediction> }): Scores {
  const { labels, predictions } = options;
  const pub = newAccumulator();
  const priv = newAccumulator();
  // Everything the loop touches is a local: imported bindings compile to property getters in
  // CommonJS/bundled output (tsx, Next), and calling them per row made scoring 10x slower.
  const gMap = indexOf(CLASSES.Gender);
  const cMap = indexOf(CLASSES.Hair_Color);
  const tMap = indexOf(CLASSES.Hair_Type);
  const kG = CLASSES.Gender.length;
  const kC = CLASSES.Hair_Color.length;
  const kT = CLASSES.Hair_Type.length;

  for (let r = 0; r < labels.length; r++) {
    const row = labels[r];
    const a = row.Split === "public" ? pub : row.Split === "private" ? priv : undefined;
    if (a === undefined) throw new Error(`label row ${r}: unknown split ${JSON.stringify(row.Split)}`);
    const pred = predictions.get(row.Image_Id);
    // Validation guarantees one prediction per test id; reaching this is a caller bug, and
    // scoring anyway would silently under-count the submission.
    if (pred === undefined) throw new Error(`no prediction for Image_Id ${row.Image_Id}: validate the submission first`);
    const gt = gMap.get(row.Gender);
    const ct = cMap.get(row.Hair_Color);
    const tt = tMap.get(row.Hair_Type);
    const gp = gMap.get(pred.Gender);
    const cp = cMap.get(pred.Hair_Color);
    const tp = tMap.get(pred.Hair_Type);
    if (gt === undefined || ct === undefined || tt === undefined)
      throw new Error(`label row ${r}: unknown label in ${JSON.stringify(row)}`);
    if (gp === undefined || gp < 0 || cp === undefined || cp < 0 || tp === undefined || tp < 0) {
      throw new Error(`prediction for ${row.Image_Id}: invalid label in ${JSON.stringify(pred)}`);
    }
    a.n++;
    if (gt >= 0) a.confusion.Gender[gt * kG + gp]++;
    if (ct >= 0) {
      a.confusion.Hair_Color[ct * kC + cp]++;
      if (gt >= 0) a.hairColorByGender[gt][ct * kC + cp]++;
    }
    if (tt >= 0) a.confusion.Hair_Type[tt * kT + tp]++;
  }

  return {
    public: finish(pub),
    private: finish(priv),
  };
}

function finish(a: Accumulator): SplitScores {
  const attributes = Object.fromEntries(
    ATTRIBUTES.map((attr) => [attr, attributeMetricsFromConfusion(CLASSES[attr], a.confusion[attr])]),
  ) as SplitScores["attributes"];

  const available = ATTRIBUTES.map((attr) => attributes[attr].macroF1).filter((f): f is number => f !== null);
  const main = available.length === 0 ? null : available.reduce((s, f) => s + f, 0) / available.length;

  const female = attributeMetricsFromConfusion(CLASSES.Hair_Color, a.hairColorByGender[FEMALE]).macroF1;
  const male = attributeMetricsFromConfusion(CLASSES.Hair_Color, a.hairColorByGender[MALE]).macroF1;
  const gap = female === null || male === null ? null : female - male;
  const fairness: FairnessScores = {
    hairColorMacroF1Female: female,
    hairColorMacroF1Male: male,
    gap,
    absGap: gap === null ? null : Math.abs(gap),
  };

  return { n: a.n, main, attributes, fairness };
}
