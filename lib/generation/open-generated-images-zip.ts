import path from "node:path";
import { formatBytes, resolveLimits } from "../models/limits";
import { ModelZip } from "../models/model-zip";

/** An 84x108 PNG is at most ~27 KB of pixels plus headers; 1 MB leaves room for metadata, not for a payload. */
export const MAX_GENERATED_PNG_BYTES = 1024 * 1024;

export type OpenGeneratedImagesZipResult = { ok: true; zip: ModelZip; names: string[] } | { ok: false; errors: string[] };

/**
 * Opens a zip of `count` generated PNGs through the model zips' checks (entry count, declared and
 * real sizes, compression ratio against zip bombs, names, symlinks: lib/models/model-zip.ts) with
 * limits sized for `count` small PNGs: a zip over 64 KB an image is refused before it is opened.
 * `names` are its files, without macOS metadata and hidden files. The caller closes `zip`.
 */
export async function openGeneratedImagesZip(options: {
  file: string;
  size: number;
  count: number;
}): Promise<OpenGeneratedImagesZipResult> {
  const { count } = options;
  const limits = resolveLimits({ maxEntries: count + 64, maxEntryBytes: MAX_GENERATED_PNG_BYTES, maxTotalBytes: count * 64 * 1024 });
  if (options.size > limits.maxTotalBytes)
    return {
      ok: false,
      errors: [`the zip is ${formatBytes(options.size)}; ${count} PNGs may take at most ${formatBytes(limits.maxTotalBytes)}`],
    };
  const opened = await ModelZip.open(options.file, limits);
  if (!opened.ok) return opened;
  const names = [...opened.zip.files.keys()].filter((n) => !n.startsWith("__MACOSX/") && !path.posix.basename(n).startsWith("."));
  return { ok: true, zip: opened.zip, names };
}
