import fs from "node:fs";
import path from "node:path";
import { IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { decodePortraits } from "../dataset/decode-portrait";
import { formatBytes, resolveLimits } from "../models/limits";
import { ModelZip, ZipLimitError } from "../models/model-zip";
import { MAX_GENERATED_PNG_BYTES } from "./read-generated-images";

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
  const limits = resolveLimits({ maxEntries: count + 64, maxEntryBytes: MAX_GENERATED_PNG_BYTES, maxTotalBytes: count * 64 * 1024 });
  const size = fs.statSync(file).size;
  if (size > limits.maxTotalBytes)
    return { ok: false, errors: [`the zip is ${formatBytes(size)}; ${count} PNGs may take at most ${formatBytes(limits.maxTotalBytes)}`] };
  const opened = await ModelZip.open(file, limits);
  if (!opened.ok) return opened;
  const zip = opened.zip;
  try {
    const names = [...zip.files.keys()].filter((n) => !n.startsWith("__MACOSX/") && !path.posix.basename(n).startsWith("."));
    const notPng = names.filter((n) => !n.toLowerCase().endsWith(".png"));
    if (notPng.length)
      return {
        ok: false,
        errors: [
          `only .png files are accepted; found ${notPng
            .slice(0, 5)
            .map((n) => JSON.stringify(n))
            .join(", ")}${notPng.length > 5 ? ` and ${notPng.length - 5} more` : ""}`,
        ],
      };
    if (names.length !== count) return { ok: false, errors: [`exactly ${count} PNGs are needed; found ${names.length}`] };
    const first = names.sort().slice(0, UPLOAD_DECODE_SAMPLE);
    const decoded = await decodePortraits(await Promise.all(first.map((n) => zip.readFile(n, MAX_GENERATED_PNG_BYTES))));
    const problems = decoded.flatMap((d, k) =>
      d.ok
        ? []
        : [
            `${first[k]}: ${d.code === "wrong-size" ? `${d.detail} (every image must be ${IMAGE_WIDTH}x${IMAGE_HEIGHT})` : `not a readable PNG (${d.detail})`}`,
          ],
    );
    if (problems.length) return { ok: false, errors: problems };
    return { ok: true, count };
  } catch (e) {
    return { ok: false, errors: [e instanceof ZipLimitError ? e.message : `the images could not be read (${(e as Error).message})`] };
  } finally {
    zip.close();
  }
}
