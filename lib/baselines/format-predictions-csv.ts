import { ATTRIBUTES, CLASSES, SUBMISSION_CSV_HEADER } from "../challenge/definition";
import type { ClassPredictions } from "./types";

/** A predictions CSV (the submission format) for test ids in cache order and class indices per attribute. */
export function formatPredictionsCsv(options: { ids: readonly string[]; predictions: ClassPredictions }): Uint8Array {
  const { ids, predictions } = options;
  const lines = [SUBMISSION_CSV_HEADER.join(",")];
  for (let i = 0; i < ids.length; i++) {
    lines.push([ids[i], ...ATTRIBUTES.map((a) => (CLASSES[a] as readonly string[])[predictions[a][i]])].join(","));
  }
  return Buffer.from(lines.join("\n") + "\n", "utf8");
}
