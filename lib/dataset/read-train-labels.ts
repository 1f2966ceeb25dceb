import fs from "node:fs/promises";
import { ATTRIBUTES, ATTRIBUTES_CSV_HEADER, DATASET_VALUES, type LabelRow } from "../challenge/definition";
import { DatasetError } from "./dataset-error";
import { trainLabelsPath } from "./layout";

/**
 * cache/train-labels.csv: the train rows in the order of train.u8 (Image_Index ascending),
 * for the baselines that train from the tensor cache.
 */
export async function readTrainLabels(cacheDir: string): Promise<LabelRow[]> {
  const file = trainLabelsPath(cacheDir);
  const lines = (await fs.readFile(file, "utf8")).split("\n").filter((l) => l.length > 0);
  if (lines[0] !== ATTRIBUTES_CSV_HEADER.join(",")) throw new DatasetError("corrupt-build", `${file} has an unexpected header`);
  return lines.slice(1).map((line, i) => {
    const [index, Gender, Hair_Color, Hair_Type] = line.split(",");
    const row = { Image_Index: Number(index), Gender, Hair_Color, Hair_Type } as LabelRow;
    if (!Number.isInteger(row.Image_Index) || !ATTRIBUTES.every((a) => DATASET_VALUES[a].includes(row[a]))) {
      throw new DatasetError("corrupt-build", `${file} line ${i + 2} is not a valid label row`);
    }
    return row;
  });
}
