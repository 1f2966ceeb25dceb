import fs from "node:fs";
import { ATTRIBUTES, CLASSES, SUBMISSION_CSV_HEADER, type Attribute } from "./platform";

/** Writes the predictions CSV: Image_Id,Gender,Hair_Color,Hair_Type, one row per test image. */
export function writePredictionsCsv(options: { file: string; ids: string[]; predicted: Record<Attribute, Uint8Array> }): void {
  const lines = [SUBMISSION_CSV_HEADER.join(",")];
  options.ids.forEach((id, i) => lines.push([id, ...ATTRIBUTES.map((a) => CLASSES[a][options.predicted[a][i]])].join(",")));
  fs.writeFileSync(options.file, `${lines.join("\n")}\n`);
}
