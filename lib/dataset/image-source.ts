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
export type ImageRef = FileImageRef | ZipImageRef;
export type FileImageRef = { kind: "file"; relPath: string; problem?: DatasetProblem };
export type ZipImageRef = { kind: "zip"; zip: number; entry: ZipEntryLocation; entryName: string; problem?: DatasetProblem };

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

/**
 * An ImageSource over refs of one kind (a layout holds only its own): `describe` and `read` get
 * the image's ref; an index without one is described by its file name and cannot be read.
 * Files under `where` that are not portraits (`ignored`) make one warning.
 */
export function imageSourceOf<R extends ImageRef>(parts: {
  layout: SourceLayout;
  images: Map<number, R>;
  ignored: string[];
  where: string;
  describe: (ref: R, index: number) => string;
  read: (ref: R) => Promise<Buffer> | Buffer;
  close: () => Promise<void>;
}): ImageSource {
  const { images } = parts;
  return {
    layout: parts.layout,
    images,
    warnings: ignoredWarning(parts.ignored, parts.where),
    describe: (index) => {
      const ref = images.get(index);
      return ref ? parts.describe(ref, index) : imageFileName(index);
    },
    readImage: async (index) => {
      const ref = images.get(index);
      if (!ref) throw new Error(`no image for Image_Index ${index}`);
      return parts.read(ref);
    },
    close: parts.close,
  };
}

function ignoredWarning(ignored: string[], where: string): string[] {
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
