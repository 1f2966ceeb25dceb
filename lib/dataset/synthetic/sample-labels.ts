/**
 * Draws the labels written to the attributes CSV: one (Gender, Hair_Color, Hair_Type) cell per
 * image from the joint table of label-table.ts. These are the *written* labels; which attributes
 * the renderer actually draws (annotation noise, reasons for n/a) is decided per image in
 * plan-portrait.ts, so the label proportions here are exactly the table's.
 */
import type { LabelRow } from "../../challenge/definition";
import { Rng } from "./prng";
import { buildJointCdf, COLOR_VALUES, GENDER_VALUES, TYPE_VALUES } from "./label-table";

/** Labels as small integer codes (indexes into GENDER_VALUES / COLOR_VALUES / TYPE_VALUES). */
export interface LabelCodes {
  gender: Uint8Array;
  color: Uint8Array;
  type: Uint8Array;
}

/** Stream id for labels, so they never share random numbers with indices or pixels. */
const LABEL_STREAM = 0x1abe1;

let cachedCdf: Float64Array | undefined;

export function sampleLabels(options: { count: number; seed: number }): LabelCodes {
  const { count, seed } = options;
  const cdf = (cachedCdf ??= buildJointCdf());
  const nc = COLOR_VALUES.length;
  const nt = TYPE_VALUES.length;
  const rng = new Rng(seed, LABEL_STREAM);
  const out: LabelCodes = { gender: new Uint8Array(count), color: new Uint8Array(count), type: new Uint8Array(count) };
  for (let i = 0; i < count; i++) {
    const u = rng.next() * cdf[cdf.length - 1];
    let cell = 0;
    while (cell < cdf.length - 1 && cdf[cell] <= u) cell++;
    out.gender[i] = Math.floor(cell / (nc * nt));
    out.color[i] = Math.floor(cell / nt) % nc;
    out.type[i] = cell % nt;
  }
  return out;
}

export function labelRow(index: number, gender: number, color: number, type: number): LabelRow {
  return {
    Image_Index: index,
    Gender: GENDER_VALUES[gender],
    Hair_Color: COLOR_VALUES[color],
    Hair_Type: TYPE_VALUES[type],
  };
}
