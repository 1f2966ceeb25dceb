import fs from "node:fs/promises";
import { ATTRIBUTES, DATASET_VALUES, type LabelRow } from "../challenge/definition";
import { DatasetError } from "./dataset-error";
import { HIDDEN_LABELS_HEADER, buildPaths, resolveCurrentBuildDir } from "./layout";

export interface HiddenLabelRow extends Pick<LabelRow, "Gender" | "Hair_Color" | "Hair_Type"> {
  Image_Id: string;
  Split: "public" | "private";
  Image_Index: number;
}

/**
 * The organizer-only test labels (hidden/test-labels.csv) in Image_Id order: what the scorer
 * compares predictions with. Reads the build `current` points to, or `buildDir` when given
 * (a scorer that resolved the build once). Throws "no-dataset" when nothing is prepared.
 */
export async function readHiddenLabels(dataDir: string, options: { buildDir?: string } = {}): Promise<HiddenLabelRow[]> {
  const buildDir = options.buildDir ?? (await resolveCurrentBuildDir(dataDir));
  if (!buildDir) throw new DatasetError("no-dataset", "no dataset is prepared yet (npm run data -- prepare)");
  const file = buildPaths(buildDir).hiddenLabels;
  const text = await fs.readFile(file, "utf8");
  const lines = text.split("\n").filter((l) => l.length > 0);
  if (lines[0] !== HIDDEN_LABELS_HEADER.join(",")) throw new DatasetError("corrupt-build", `${file} has an unexpected header`);
  return lines.slice(1).map((line, i) => {
    const [Image_Id, Split, Gender, Hair_Color, Hair_Type, index] = line.split(",");
    const row = { Image_Id, Split, Gender, Hair_Color, Hair_Type, Image_Index: Number(index) } as HiddenLabelRow;
    // Written by prepare; a bad row means the file was edited or damaged.
    const ok =
      (Split === "public" || Split === "private") &&
      ATTRIBUTES.every((a) => DATASET_VALUES[a].includes(row[a])) &&
      Number.isInteger(row.Image_Index);
    if (!ok) throw new DatasetError("corrupt-build", `${file} line ${i + 2} is not a valid label row`);
    return row;
  });
}
