import { isDatasetError } from "../dataset/dataset-error";
import { formatExportedLabels } from "../dataset/format-exported-labels";
import { readHiddenLabels } from "../dataset/read-hidden-labels";
import { AppError } from "../errors/app-error";

/**
 * The hidden test labels as CSV (`Image_Id,Split,Gender,Hair_Color,Hair_Type`), for the
 * organizer-only download. Same columns as `npm run data -- export-labels`: Image_Index is left
 * out because it is the key to CelebA's public labels and this file may travel.
 *
 * Callers must have checked that the requester is an organizer: nothing here knows who asks.
 */
export async function getHiddenLabelsCsv(options: { dataDir: string }): Promise<{ csv: string; rows: number }> {
  let rows;
  try {
    rows = await readHiddenLabels(options.dataDir);
  } catch (error) {
    if (isDatasetError(error, "no-dataset")) {
      throw new AppError("unavailable", { user: "No dataset is prepared yet.", internal: error.message, cause: error });
    }
    throw error;
  }
  return { csv: formatExportedLabels(rows), rows: rows.length };
}
