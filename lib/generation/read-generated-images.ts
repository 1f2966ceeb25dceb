import fs from "node:fs";
import path from "node:path";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { decodePortraits } from "../dataset/decode-portrait";
import { formatBytes, resolveLimits } from "../models/limits";
import { ModelZip, ZipLimitError } from "../models/model-zip";

/** An 84x108 PNG is at most ~27 KB of pixels plus headers; 1 MB leaves room for metadata, not for a payload. */
export const MAX_GENERATED_PNG_BYTES = 1024 * 1024;
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
  const limits = resolveLimits({
    maxEntries: count + 64,
    maxEntryBytes: MAX_GENERATED_PNG_BYTES,
    maxTotalBytes: count * 64 * 1024,
  });
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
    if (stat.size > limits.maxTotalBytes)
      return {
        ok: false,
        errors: [`the zip is ${formatBytes(stat.size)}; ${count} PNGs may take at most ${formatBytes(limits.maxTotalBytes)}`],
      };
    const opened = await ModelZip.open(input, limits);
    if (!opened.ok) return opened;
    const zip = opened.zip;
    names = [...zip.files.keys()].filter((n) => !n.startsWith("__MACOSX/") && !path.posix.basename(n).startsWith("."));
    read = (name) => zip.readFile(name, MAX_GENERATED_PNG_BYTES);
    close = () => zip.close();
  }
  try {
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
    names.sort();
    const fd = fs.openSync(options.outFile, "w", 0o600);
    try {
      for (let start = 0; start < names.length; start += DECODE_BATCH) {
        const batch = names.slice(start, start + DECODE_BATCH);
        const decoded = await decodePortraits(await Promise.all(batch.map(read)));
        const problems = decoded.flatMap((d, k) =>
          d.ok
            ? []
            : [
                `${batch[k]}: ${d.code === "wrong-size" ? `${d.detail} (every image must be ${IMAGE_WIDTH}x${IMAGE_HEIGHT})` : `not a readable PNG (${d.detail})`}`,
              ],
        );
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
