import { imageFileName } from "../challenge/definition";
import type { ZipEntryLocation } from "../zip/read-zip-entry-at";
import { listNames, type DatasetProblem } from "./dataset-error";

/**
 * The images of a dataset source, found by name before any is decoded (openImageSource picks
 * the folder or the zips layout). Shared by both layouts: the types, the size cap, and the
 * wording of the two findings they have in common.
 */
export type SourceLayout = "images-folder" | "zips";

/** Where one PNG lives. `problem` marks a file we found but must not use (duplicate, oversized). */
export type ImageRef =
  | { kind: "file"; relPath: string; problem?: DatasetProblem }
  | { kind: "zip"; zip: number; entry: ZipEntryLocation; entryName: string; problem?: DatasetProblem };

export interface ImageSource {
  layout: SourceLayout;
  /** Image_Index -> its PNG, from file names alone (nothing decoded yet). */
  images: Map<number, ImageRef>;
  warnings: string[];
  /** Human name of an image for messages: `Tiny_Portrait_000012.png (in Tiny_Portraits_Archive_000.zip)`. */
  describe(index: number): string;
  /** The PNG's bytes. Rejects when the file or zip entry cannot be read. */
  readImage(index: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** An 84x108 PNG is at most ~30 KB; anything far larger is not a portrait and must not be buffered. */
export const MAX_IMAGE_FILE_BYTES = 4 * 1024 * 1024;

export function ignoredWarning(ignored: string[], where: string): string[] {
  if (ignored.length === 0) return [];
  return [`${ignored.length} file(s) in ${where} are not named like Tiny_Portrait_000000.png and were ignored: ${listNames(ignored)}`];
}

export function duplicateProblem(index: number, first: string, second: string): DatasetProblem {
  return {
    code: "duplicate-image",
    imageIndex: index,
    message: `${imageFileName(index)} exists twice (${first} and ${second}); cannot tell which one is right`,
  };
}
