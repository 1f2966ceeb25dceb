import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { IMAGES_DIR_NAME, parseImageFileName } from "../challenge/definition";
import { MAX_IMAGE_FILE_BYTES, duplicateProblem, imageSourceOf, type FileImageRef, type ImageSource } from "./image-source";

/** How deep we look for PNGs under Tiny_Portraits_Images/ (people unzip into nested folders). */
const MAX_FOLDER_DEPTH = 3;

/**
 * The loose PNGs under `imagesDir` (Tiny_Portraits_Images/), found by name in sorted order so
 * duplicates and warnings come out the same way on every run. Other files are listed in a
 * warning (dot files silently skipped).
 */
export async function openFolderImageSource(imagesDir: string): Promise<ImageSource> {
  const images = new Map<number, FileImageRef>();
  const ignored: string[] = [];

  async function walk(rel: string, depth: number): Promise<void> {
    const entries = await fsp.readdir(path.join(imagesDir, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (depth < MAX_FOLDER_DEPTH) await walk(relPath, depth + 1);
        continue;
      }
      const index = entry.isFile() ? parseImageFileName(entry.name) : undefined;
      if (index === undefined) {
        if (!entry.name.startsWith(".")) ignored.push(relPath);
        continue;
      }
      const existing = images.get(index);
      if (existing) {
        existing.problem ??= duplicateProblem(index, `${IMAGES_DIR_NAME}/${existing.relPath}`, `${IMAGES_DIR_NAME}/${relPath}`);
        continue;
      }
      images.set(index, { kind: "file", relPath });
    }
  }
  await walk("", 0);

  return imageSourceOf({
    layout: "images-folder",
    images,
    ignored,
    where: `${IMAGES_DIR_NAME}/`,
    describe: (ref) => `${IMAGES_DIR_NAME}/${ref.relPath}`,
    read: (ref) => readSmallFile(path.join(imagesDir, ref.relPath)),
    close: async () => {},
  });
}

/**
 * Synchronous on purpose: for a 20 KB file in the page cache the promise API costs several
 * times the read itself, and the decoding goes on in the workers meanwhile.
 */
function readSmallFile(file: string): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const { size } = fs.fstatSync(fd);
    if (size > MAX_IMAGE_FILE_BYTES) throw new Error(`the file is ${size} bytes, far too large for an 84x108 PNG`);
    const buffer = Buffer.allocUnsafe(size);
    const bytesRead = fs.readSync(fd, buffer, 0, size, 0);
    return bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
  } finally {
    fs.closeSync(fd);
  }
}
