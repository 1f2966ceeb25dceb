/**
 * Writes Tiny_Portraits_Attributes.csv exactly like the real file: header
 * `Image_Index,Gender,Hair_Color,Hair_Type`, lower-case values, the literal `n/a`, LF line
 * endings, rows in Image_Index order. No value ever needs quoting (numbers and fixed lower-case
 * words), so rows are joined directly; streamed in blocks so memory does not grow with count.
 */
import fs from "node:fs";
import { once } from "node:events";
import { ATTRIBUTES_CSV_HEADER } from "../../challenge/definition";
import { COLOR_VALUES, GENDER_VALUES, TYPE_VALUES } from "./label-table";
import type { LabelCodes } from "./sample-labels";

const ROWS_PER_WRITE = 8192;

export async function writeAttributesCsv(options: { path: string; indices: Int32Array; labels: LabelCodes }): Promise<void> {
  const { path, indices, labels } = options;
  const out = fs.createWriteStream(path);
  const closed = once(out, "close");
  try {
    out.write(ATTRIBUTES_CSV_HEADER.join(",") + "\n");
    for (let start = 0; start < indices.length; start += ROWS_PER_WRITE) {
      let block = "";
      const end = Math.min(indices.length, start + ROWS_PER_WRITE);
      for (let i = start; i < end; i++)
        block += `${indices[i]},${GENDER_VALUES[labels.gender[i]]},${COLOR_VALUES[labels.color[i]]},${TYPE_VALUES[labels.type[i]]}\n`;
      if (!out.write(block)) await once(out, "drain");
    }
  } finally {
    out.end();
  }
  await closed;
}
