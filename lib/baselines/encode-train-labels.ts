import { ATTRIBUTES, CLASSES, NA, type LabelRow } from "../challenge/definition";
import type { EncodedLabels } from "./types";

/** Train label rows as class indices (CLASSES order) per attribute, -1 for `n/a`. */
export function encodeTrainLabels(options: { rows: readonly LabelRow[] }): EncodedLabels {
  const out = {} as EncodedLabels;
  for (const attribute of ATTRIBUTES) {
    const classes: readonly string[] = CLASSES[attribute];
    const codes = new Int8Array(options.rows.length);
    options.rows.forEach((row, i) => {
      const value = row[attribute];
      codes[i] = value === NA ? -1 : classes.indexOf(value);
    });
    out[attribute] = codes;
  }
  return out;
}
