import { EXPORTED_LABELS_HEADER } from "./layout";
import type { HiddenLabelRow } from "./read-hidden-labels";

/**
 * The hidden labels as the organizers get them (`export-labels`, the organizer download):
 * `Image_Id,Split,Gender,Hair_Color,Hair_Type`, one line per row. Image_Index is left out on
 * purpose: the file may travel, and the index is the key to CelebA's public labels.
 */
export function formatExportedLabels(rows: readonly HiddenLabelRow[]): string {
  const lines = rows.map((r) => [r.Image_Id, r.Split, r.Gender, r.Hair_Color, r.Hair_Type].join(","));
  return [EXPORTED_LABELS_HEADER.join(","), ...lines].join("\n") + "\n";
}
