import fs from "node:fs";
import { decodePortraits } from "../dataset/decode-portrait";
import { ZipLimitError } from "../models/model-zip";
import { checkGeneratedImageNames } from "./check-generated-image-names";
import { describePngProblems } from "./describe-png-problems";
import { MAX_GENERATED_PNG_BYTES, openGeneratedImagesZip } from "./open-generated-images-zip";

/** PNGs decoded at upload time: enough to catch a zip of the wrong size of images, cheap (~1 ms each). */
export const UPLOAD_DECODE_SAMPLE = 8;

export type CheckGeneratedImagesZipResult = { ok: true; count: number } | { ok: false; errors: string[] };

/**
 * The cheap part of readGeneratedImages's checks, run on the upload before it is queued: the
 * zip's container limits (entry count, sizes, compression ratio, names: lib/models/model-zip.ts,
 * with the same limits the scorer uses), every file a .png, exactly `count` of them, and the
 * first few (in the scorer's file-name order) decoded as 84x108 PNGs. The scorer decodes all of
 * them again; a bad PNG further in fails the run there, as the participant's fault.
 */
export async function checkGeneratedImagesZip(options: { file: string; count: number }): Promise<CheckGeneratedImagesZipResult> {
  const { file, count } = options;
  const opened = await openGeneratedImagesZip({ file, size: fs.statSync(file).size, count });
  if (!opened.ok) return opened;
  const { zip, names } = opened;
  try {
    const nameProblems = checkGeneratedImageNames({ names, count });
    if (nameProblems.length) return { ok: false, errors: nameProblems };
    const first = names.sort().slice(0, UPLOAD_DECODE_SAMPLE);
    const decoded = await decodePortraits(await Promise.all(first.map((n) => zip.readFile(n, MAX_GENERATED_PNG_BYTES))));
    const problems = describePngProblems({ names: first, decoded });
    if (problems.length) return { ok: false, errors: problems };
    return { ok: true, count };
  } catch (e) {
    return { ok: false, errors: [e instanceof ZipLimitError ? e.message : `the images could not be read (${(e as Error).message})`] };
  } finally {
    zip.close();
  }
}
