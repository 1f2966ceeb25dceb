import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import { ATTRIBUTES, ATTRIBUTES_CSV_HEADER, ATTRIBUTES_CSV_NAME, DATASET_VALUES, type LabelRow } from "../challenge/definition";
import { DatasetError, formatList, type DatasetProblem } from "./dataset-error";

/** A valid CSV row and the line it came from (1 = header), for messages. */
export interface AttributeRow extends LabelRow {
  line: number;
}

export interface AttributesCsv {
  /** Rows whose index and labels are all valid, sorted by Image_Index. */
  rows: AttributeRow[];
  /** Row-level problems (bad index, unknown label, wrong column count), in line order. */
  problems: DatasetProblem[];
  /**
   * Every row with a usable Image_Index (labels valid or not) -> its line. Strict mode still
   * decodes the images of rows with bad labels so one run reports every problem at once.
   */
  lineByIndex: Map<number, number>;
  dataRowCount: number;
}

/** File names hold six digits (Tiny_Portrait_%06d.png), so larger indices cannot exist. */
const MAX_IMAGE_INDEX = 999_999;

/**
 * Reads and validates Tiny_Portraits_Attributes.csv in one streaming pass. Tolerates a BOM,
 * CRLF line ends, blank lines and spaces around values (what spreadsheet tools add); anything
 * else that differs from the published format is reported with its line. Structural problems
 * (missing file, wrong header, unparsable CSV, duplicate Image_Index) throw, because no row of
 * such a file can be trusted; row-level problems are returned for the caller's strict/skip policy.
 */
export async function readAttributesCsv(sourceDir: string): Promise<AttributesCsv> {
  const csvPath = path.join(sourceDir, ATTRIBUTES_CSV_NAME);
  if (!fs.existsSync(csvPath)) {
    throw new DatasetError("missing-csv", `${ATTRIBUTES_CSV_NAME} not found in ${sourceDir}`);
  }
  const where = (line: number) => `${ATTRIBUTES_CSV_NAME} line ${line}`;
  const parser = fs
    .createReadStream(csvPath)
    .pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }));

  const rows: AttributeRow[] = [];
  const problems: DatasetProblem[] = [];
  const lineByIndex = new Map<number, number>();
  const duplicates: string[] = [];
  let header: string[] | undefined;
  let dataRowCount = 0;

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!header) {
        header = record;
        const expected = ATTRIBUTES_CSV_HEADER.join(",");
        if (record.join(",") !== expected) {
          throw new DatasetError("bad-header", `${where(line)}: header is "${record.join(",")}", expected "${expected}"`);
        }
        continue;
      }
      dataRowCount++;
      if (record.length !== ATTRIBUTES_CSV_HEADER.length) {
        problems.push({
          code: "column-count",
          line,
          message: `${where(line)}: ${record.length} columns, expected ${ATTRIBUTES_CSV_HEADER.length} (${ATTRIBUTES_CSV_HEADER.join(",")})`,
        });
        continue;
      }
      const [rawIndex, ...values] = record;
      let index: number | undefined;
      if (!/^\d+$/.test(rawIndex)) {
        problems.push({ code: "bad-index", line, message: `${where(line)}: Image_Index "${rawIndex}" is not a whole number` });
      } else if (Number(rawIndex) > MAX_IMAGE_INDEX) {
        problems.push({
          code: "bad-index",
          line,
          message: `${where(line)}: Image_Index ${rawIndex} is larger than ${MAX_IMAGE_INDEX} (file names have six digits)`,
        });
      } else {
        index = Number(rawIndex);
        const first = lineByIndex.get(index);
        if (first !== undefined) {
          duplicates.push(`Image_Index ${index} appears on line ${first} and line ${line}`);
        } else {
          lineByIndex.set(index, line);
        }
      }
      let labelsOk = true;
      ATTRIBUTES.forEach((attribute, i) => {
        const value = values[i];
        if (!DATASET_VALUES[attribute].includes(value)) {
          labelsOk = false;
          problems.push({
            code: "unknown-label",
            line,
            imageIndex: index,
            message: `${where(line)}: ${attribute} "${value}" is not one of ${DATASET_VALUES[attribute].join(", ")}`,
          });
        }
      });
      if (index !== undefined && labelsOk) {
        rows.push({ Image_Index: index, Gender: values[0], Hair_Color: values[1], Hair_Type: values[2], line } as AttributeRow);
      }
    }
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    // csv-parse errors name the line; keep their text, it is the most precise we have.
    const message = err instanceof Error ? err.message : String(err);
    throw new DatasetError("csv-syntax", `${ATTRIBUTES_CSV_NAME} cannot be parsed as CSV: ${message}`);
  }

  if (!header)
    throw new DatasetError("bad-header", `${ATTRIBUTES_CSV_NAME} is empty (expected the header ${ATTRIBUTES_CSV_HEADER.join(",")})`);
  if (duplicates.length > 0) {
    throw new DatasetError(
      "duplicate-index",
      `${ATTRIBUTES_CSV_NAME} has ${duplicates.length} duplicate Image_Index value${duplicates.length === 1 ? "" : "s"}; every index must be unique:\n${formatList(duplicates)}`,
    );
  }
  // The published file is sorted already; sorting makes every later stage independent of it.
  rows.sort((a, b) => a.Image_Index - b.Image_Index);
  return { rows, problems, lineByIndex, dataRowCount };
}
