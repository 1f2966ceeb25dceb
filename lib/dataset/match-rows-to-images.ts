import { ATTRIBUTES_CSV_NAME, imageFileName } from "../challenge/definition";
import { listNames, type DatasetProblem } from "./dataset-error";
import type { ImageSource } from "./image-source";
import type { AttributesCsv } from "./read-attributes-csv";

/**
 * Pairs the CSV's rows with the source's images by Image_Index, from names alone: a row with
 * no image (every row with a usable index, bad labels or not) or with an image found unusable
 * while listing (duplicate, oversized) is a problem on that row's line; images with no row are
 * ignored, with one warning naming them.
 */
export function matchRowsToImages(options: { csv: Pick<AttributesCsv, "lineByIndex">; source: Pick<ImageSource, "images"> }): {
  problems: DatasetProblem[];
  warnings: string[];
} {
  const { csv, source } = options;
  const problems: DatasetProblem[] = [];
  for (const [index, line] of csv.lineByIndex) {
    const ref = source.images.get(index);
    if (!ref) {
      problems.push({
        code: "missing-image",
        line,
        imageIndex: index,
        message: `${ATTRIBUTES_CSV_NAME} line ${line}: no image ${imageFileName(index)} for Image_Index ${index}`,
      });
    } else if (ref.problem) {
      problems.push({ ...ref.problem, line });
    }
  }
  const orphans = [...source.images.keys()].filter((i) => !csv.lineByIndex.has(i)).sort((a, b) => a - b);
  const warnings =
    orphans.length > 0
      ? [`${orphans.length} image(s) have no row in ${ATTRIBUTES_CSV_NAME} and were ignored: ${listNames(orphans.map(imageFileName))}`]
      : [];
  return { problems, warnings };
}
