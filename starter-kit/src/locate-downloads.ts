import fs from "node:fs";
import path from "node:path";
import { KitError } from "./kit-error";
import {
  CHECKSUMS_NAME,
  IMAGES_DIR_NAME,
  SAMPLE_SUBMISSION_NAME,
  TEST_IMAGES_DIR_NAME,
  TEST_ZIP_NAME,
  TRAIN_ZIP_CSV_NAME,
  TRAIN_ZIP_NAME,
} from "./platform";

/**
 * Where the challenge downloads are: the zips as downloaded, or their contents extracted into
 * the same folder (Tiny_Portraits_Attributes.csv + Tiny_Portraits_Images/ from the train zip,
 * Tiny_Portraits_Test/ from the test zip). Either way the files inside are named the same, so
 * the readers only need "zip or folder".
 */
export type DownloadSource = { kind: "zip"; file: string } | { kind: "folder"; dir: string };

export interface Downloads {
  dir: string;
  train: DownloadSource;
  test: DownloadSource;
  sampleSubmission?: string;
  checksums?: string;
}

const isFile = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
const isDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

function findTrain(dir: string): DownloadSource | undefined {
  if (isFile(path.join(dir, TRAIN_ZIP_NAME))) return { kind: "zip", file: path.join(dir, TRAIN_ZIP_NAME) };
  if (isFile(path.join(dir, TRAIN_ZIP_CSV_NAME)) && isDir(path.join(dir, IMAGES_DIR_NAME))) return { kind: "folder", dir };
  return undefined;
}

function findTest(dir: string): DownloadSource | undefined {
  if (isFile(path.join(dir, TEST_ZIP_NAME))) return { kind: "zip", file: path.join(dir, TEST_ZIP_NAME) };
  if (isDir(path.join(dir, TEST_IMAGES_DIR_NAME))) return { kind: "folder", dir };
  return undefined;
}

/** Finds the downloads in `dir`, or explains what is missing and where they might be instead. */
export function locateDownloads(options: { dir: string }): Downloads {
  const dir = path.resolve(options.dir);
  const expected = `${TRAIN_ZIP_NAME}, ${TEST_ZIP_NAME}, ${SAMPLE_SUBMISSION_NAME} and ${CHECKSUMS_NAME}`;
  if (!fs.existsSync(dir)) {
    throw new KitError(
      `There is no folder ${dir}.\nDownload ${expected} from the challenge's Data page into it, or pass --data <the folder that holds them>.`,
    );
  }
  if (!isDir(dir)) throw new KitError(`${dir} is a file; --data takes the folder that holds ${expected}.`);

  const train = findTrain(dir);
  const test = findTest(dir);
  if (train && test) {
    const sample = path.join(dir, SAMPLE_SUBMISSION_NAME);
    const sums = path.join(dir, CHECKSUMS_NAME);
    return { dir, train, test, sampleSubmission: isFile(sample) ? sample : undefined, checksums: isFile(sums) ? sums : undefined };
  }

  const missing = [
    !train && `${TRAIN_ZIP_NAME} (or its extracted ${TRAIN_ZIP_CSV_NAME} and ${IMAGES_DIR_NAME}/)`,
    !test && `${TEST_ZIP_NAME} (or its extracted ${TEST_IMAGES_DIR_NAME}/)`,
  ].filter(Boolean);
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const listing = entries.length
    ? entries
        .slice(0, 12)
        .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
        .join(", ") + (entries.length > 12 ? `, ... (${entries.length} entries)` : "")
    : "nothing";
  // A common slip: pointing at the folder above the downloads (or the kit folder itself).
  const better = entries
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name))
    .find((sub) => findTrain(sub) && findTest(sub));
  throw new KitError(
    `${dir} has no ${missing.join(" and no ")}.\nIt contains: ${listing}.\n` +
      (better
        ? `The downloads are in ${better}: pass --data ${better}`
        : `Download ${expected} from the challenge's Data page into one folder and pass it with --data.`),
  );
}
