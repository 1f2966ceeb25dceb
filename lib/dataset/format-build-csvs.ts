import { ATTRIBUTES, ATTRIBUTES_CSV_HEADER, type LabelRow } from "../challenge/definition";
import { HIDDEN_LABELS_HEADER, SAMPLE_SUBMISSION_HEADER } from "./layout";
import type { TestAssignment } from "./split-dataset";

/**
 * The CSV files a build holds, as bytes (LF line ends, a final newline, columns in the
 * published order): the train labels (in the train zip and the cache), the sample submission
 * (public) and the hidden test labels (scorer and organizers only).
 */

/** `Image_Index,Gender,Hair_Color,Hair_Type`, one line per row in the given order. */
export function formatLabelsCsv(rows: readonly LabelRow[]): Buffer {
  const lines = [ATTRIBUTES_CSV_HEADER.join(",")];
  for (const r of rows) lines.push(`${r.Image_Index},${r.Gender},${r.Hair_Color},${r.Hair_Type}`);
  return Buffer.from(lines.join("\n") + "\n");
}

/** Every test Image_Id with the same prediction: a valid file and a baseline. */
export function formatSampleSubmission(test: readonly TestAssignment[], prediction: Pick<LabelRow, (typeof ATTRIBUTES)[number]>): Buffer {
  const lines = [SAMPLE_SUBMISSION_HEADER.join(","), ...test.map((t) => [t.Image_Id, ...ATTRIBUTES.map((a) => prediction[a])].join(","))];
  return Buffer.from(lines.join("\n") + "\n");
}

/** `Image_Id,Split,Gender,Hair_Color,Hair_Type,Image_Index` in test order (Image_Id). */
export function formatHiddenLabels(testRows: readonly (TestAssignment & { labels: LabelRow })[]): Buffer {
  const lines = [
    HIDDEN_LABELS_HEADER.join(","),
    ...testRows.map((t) => [t.Image_Id, t.split, ...ATTRIBUTES.map((a) => t.labels[a]), t.Image_Index].join(",")),
  ];
  return Buffer.from(lines.join("\n") + "\n");
}
