import fsp from "node:fs/promises";
import path from "node:path";
import { ZIPS_DIR_NAME, imageFileName } from "../challenge/definition";
import { readZipEntryAt, sliceZipEntry } from "../zip/read-zip-entry-at";
import { ZipBufferCache } from "../zip/zip-buffer-cache";
import { MAX_IMAGE_FILE_BYTES, duplicateProblem, imageSourceOf, type ImageSource, type ZipImageRef } from "./image-source";
import { listZipImages } from "./list-zip-images";

/** Zips up to this size are read whole (the published ones are ~30 MB). */
export const MAX_ZIP_IN_MEMORY = 128 * 1024 * 1024;
/**
 * Memory for whole zips. Images are read in Image_Index order, i.e. zip after zip, so two
 * published zips (~30 MB each) would do; a budget in bytes also serves many small zips.
 */
const ZIP_MEMORY_BUDGET = 192 * 1024 * 1024;
/** A zip evicted and reloaded this often is read entry by entry instead (scattered order). */
const MAX_ZIP_LOADS = 3;

/**
 * The portraits inside `zipNames` (Tiny_Portraits_Zipfiles/*.zip, in that order). yauzl lists
 * the central directories (listZipImages); the entries are then sliced from the zip read whole
 * (ZipBufferCache) or, for zips over `maxZipBytesInMemory`, read with one positioned read each:
 * yauzl's per-entry read streams cost more CPU than decoding the PNG. The zips stay open (one
 * fd each) until close().
 */
export async function openZipImageSource(options: {
  zipsDir: string;
  zipNames: string[];
  maxZipBytesInMemory?: number;
}): Promise<ImageSource> {
  const { zipsDir, zipNames, maxZipBytesInMemory = MAX_ZIP_IN_MEMORY } = options;
  const files: fsp.FileHandle[] = [];
  const images = new Map<number, ZipImageRef>();
  const ignored: string[] = [];
  const closeAll = async () => {
    await Promise.all(files.map((f) => f.close().catch(() => {})));
  };

  try {
    for (let z = 0; z < zipNames.length; z++) {
      const zipName = zipNames[z];
      const listed = await listZipImages({ zipPath: path.join(zipsDir, zipName), shownName: `${ZIPS_DIR_NAME}/${zipName}` });
      ignored.push(...listed.ignored.map((name) => `${zipName}:${name}`));
      for (const { index, entryName, location } of listed.images) {
        const existing = images.get(index);
        if (existing) {
          existing.problem ??= duplicateProblem(index, `${zipNames[existing.zip]}:${existing.entryName}`, `${zipName}:${entryName}`);
          continue;
        }
        const ref: ZipImageRef = { kind: "zip", zip: z, entry: location, entryName };
        if (location.size > MAX_IMAGE_FILE_BYTES) {
          ref.problem = {
            code: "image-too-large",
            imageIndex: index,
            message: `${imageFileName(index)} (in ${zipName}) is ${location.size} bytes, far too large for an 84x108 PNG`,
          };
        }
        images.set(index, ref);
      }
      files.push(await fsp.open(path.join(zipsDir, zipName), "r"));
    }
  } catch (err) {
    await closeAll();
    throw err;
  }

  const zipBuffers = new ZipBufferCache(
    zipNames.map((n) => path.join(zipsDir, n)),
    { maxZipBytes: maxZipBytesInMemory, budgetBytes: ZIP_MEMORY_BUDGET, maxLoads: MAX_ZIP_LOADS },
  );
  const limit = { maxBytes: MAX_IMAGE_FILE_BYTES };

  return imageSourceOf({
    layout: "zips",
    images,
    ignored,
    where: `${ZIPS_DIR_NAME}/`,
    describe: (ref, index) => `${imageFileName(index)} (in ${zipNames[ref.zip]})`,
    read: async (ref) => {
      const whole = await zipBuffers.get(ref.zip);
      if (whole) return sliceZipEntry(whole, ref.entry.offset, ref.entry, limit);
      return readZipEntryAt(files[ref.zip], ref.entry, limit);
    },
    close: closeAll,
  });
}
