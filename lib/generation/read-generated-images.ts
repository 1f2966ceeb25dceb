import fs from "node:fs";
import path from "node:path";
import { IMAGE_BYTES } from "../challenge/definition";
import { decodePortraits } from "../dataset/decode-portrait";
import { formatBytes } from "../models/limits";
import { ZipLimitError } from "../models/model-zip";
import { checkGeneratedImageNames } from "./check-generated-image-names";
import { describePngProblems } from "./describe-png-problems";
import { MAX_GENERATED_PNG_BYTES, openGeneratedImagesZip } from "./open-generated-images-zip";

const DECODE_BATCH = 256;

export type ReadGeneratedImagesResult = { ok: true; count: number; names: string[] } | { ok: false; errors: string[] };

/**
 * The `images` kind of the generation track: a zip (or, locally, a folder) of exactly `count`
 * PNGs of 84x108, decoded into `outFile` as a uint8 tensor (count x 108 x 84 x 3, HWC, RGB) in
 * file-name order. The zip goes through the model zips' checks (entry count, declared and real
 * sizes, compression ratio against zip bombs, names, symlinks: lib/models/model-zip.ts) with
 * limits sized for N small PNGs; every file must be a .png (folders and macOS metadata are
 * skipped). At most 256 images are decoded at a time.
 */
export async function readGeneratedImages(options: { input: string; count: number; outFile: string }): Promise<ReadGeneratedImagesResult> {
  const { input, count } = options;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch (e) {
    return { ok: false, errors: [`cannot read ${path.basename(input)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`] };
  }
  let names: string[];
  let read: (name: string) => Promise<Buffer>;
  let close = () => undefined as void;
  if (stat.isDirectory()) {
    names = fs.readdirSync(input).filter((n) => !n.startsWith("."));
    read = async (name) => {
      const file = path.join(input, name);
      const size = fs.statSync(file).size;
      if (size > MAX_GENERATED_PNG_BYTES)
        throw new ZipLimitError(`"${name}" is ${formatBytes(size)}; an 84x108 PNG may be at most ${formatBytes(MAX_GENERATED_PNG_BYTES)}`);
      return fs.readFileSync(file);
    };
  } else {
    const opened = await openGeneratedImagesZip({ file: input, size: stat.size, count });
    if (!opened.ok) return opened;
    const zip = opened.zip;
    names = opened.names;
    read = (name) => zip.readFile(name, MAX_GENERATED_PNG_BYTES);
    close = () => zip.close();
  }
  try {
    const nameProblems = checkGeneratedImageNames({ names, count });
    if (nameProblems.length) return { ok: false, errors: nameProblems };
    names.sort();
    const fd = fs.openSync(options.outFile, "w", 0o600);
    try {
      for (let start = 0; start < names.length; start += DECODE_BATCH) {
        const batch = names.slice(start, start + DECODE_BATCH);
        const decoded = await decodePortraits(await Promise.all(batch.map(read)));
        const problems = describePngProblems({ names: batch, decoded });
        if (problems.length) return { ok: false, errors: problems.slice(0, 20) };
        const pixels = Buffer.concat(decoded.map((d) => (d as { pixels: Buffer }).pixels));
        fs.writeSync(fd, pixels, 0, pixels.length, start * IMAGE_BYTES);
      }
    } finally {
      fs.closeSync(fd);
    }
    return { ok: true, count, names };
  } catch (e) {
    return { ok: false, errors: [e instanceof ZipLimitError ? e.message : `the images could not be read (${(e as Error).message})`] };
  } finally {
    close();
  }
}
