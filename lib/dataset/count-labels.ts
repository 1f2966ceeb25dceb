import { ATTRIBUTES, CLASSES, DATASET_VALUES, type LabelRow } from "../challenge/definition";
import type { LabelCounts } from "./dataset-manifest";

type Labels = Pick<LabelRow, "Gender" | "Hair_Color" | "Hair_Type">;

/** Per attribute, per value (every allowed value listed, `n/a` included, zeros kept), how many rows. */
export function countLabels(rows: Iterable<Labels>): LabelCounts {
  const counts = Object.fromEntries(ATTRIBUTES.map((a) => [a, Object.fromEntries(DATASET_VALUES[a].map((v) => [v, 0]))])) as LabelCounts;
  for (const row of rows) for (const a of ATTRIBUTES) counts[a][row[a]]++;
  return counts;
}

/** The most frequent scored class per attribute (`n/a` is never a prediction); ties -> canonical order. */
export function majorityClasses(counts: LabelCounts): Labels {
  const pick = <A extends (typeof ATTRIBUTES)[number]>(a: A) =>
    CLASSES[a].reduce((best, c) => ((counts[a][c] ?? 0) > (counts[a][best] ?? 0) ? c : best), CLASSES[a][0]);
  return { Gender: pick("Gender"), Hair_Color: pick("Hair_Color"), Hair_Type: pick("Hair_Type") } as Labels;
}
