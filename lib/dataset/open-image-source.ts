import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import zlib from "node:zlib";
import yauzl from "yauzl";
import { IMAGES_DIR_NAME, ZIPS_DIR_NAME, imageFileName, parseImageFileName } from "../challenge/definition";
import { DatasetError, type DatasetProblem } from "./dataset-error";

export type SourceLayout = "images-folder" | "zips";

/** Where one PNG lives. `problem` marks a file we found but must not use (duplicate, oversized). */
export type ImageRef =
  | { kind: "file"; relPath: string; problem?: DatasetProblem }
  | { kind: "zip"; zip: number; entry: ZipEntryLocation; entryName: string; problem?: DatasetProblem };

/** What is needed to read one zip entry with a single positioned read (kept small: 134k of them). */
export interface ZipEntryLocation {
  offset: number; // of the local file header
  compressedSize: number;
  size: number;
  method: number;
  crc32: number;
  encrypted: boolean;
}


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
/** How deep we look for PNGs under Tiny_Portraits_Images/ (people unzip into nested folders). */
const MAX_FOLDER_DEPTH = 3;
const MAX_LISTED_NAMES = 10;

/**
 * Finds the images of a source folder without reading them: either `Tiny_Portraits_Images/`
 * (loose PNGs) or `Tiny_Portraits_Zipfiles/*.zip` (the published archives, PNGs at the zip
 * root or in a folder: matched by base name). Only names are read here, so this is cheap and
 * lets the caller match images to CSV rows and compute the split before decoding anything.
 * Zips stay open (one fd each) until close(), for random-access reads in Image_Index order.
 */
export async function openImageSource(
  sourceDir: string,
  options: { /** Zips larger than this are read entry by entry (tests set 0). */ maxZipBytesInMemory?: number } = {},
): Promise<ImageSource> {
  const imagesDir = path.join(sourceDir, IMAGES_DIR_NAME);
  const zipsDir = path.join(sourceDir, ZIPS_DIR_NAME);
  const hasFolder = isDirectory(imagesDir);
  const zipNames = isDirectory(zipsDir)
    ? fs.readdirSync(zipsDir).filter((n) => n.toLowerCase().endsWith(".zip")).sort()
    : [];

  if (hasFolder) {
    const source = await openFolderSource(imagesDir);
    if (source.images.size > 0 || zipNames.length === 0) {
      if (zipNames.length > 0) {
        source.warnings.unshift(`both ${IMAGES_DIR_NAME}/ and ${ZIPS_DIR_NAME}/ exist; used ${IMAGES_DIR_NAME}/ and ignored the zips`);
      }
      return source;
    }
  }
  if (zipNames.length > 0) return openZipSource(zipsDir, zipNames, options.maxZipBytesInMemory ?? MAX_ZIP_IN_MEMORY);
  throw new DatasetError(
    "missing-images",
    `no images in ${sourceDir}: expected a folder ${IMAGES_DIR_NAME}/ with Tiny_Portrait_000000.png files, or ${ZIPS_DIR_NAME}/ with Tiny_Portraits_Archive_000.zip files`,
  );
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function ignoredWarning(ignored: string[], where: string): string[] {
  if (ignored.length === 0) return [];
  const shown = ignored.slice(0, MAX_LISTED_NAMES).join(", ");
  const more = ignored.length > MAX_LISTED_NAMES ? `, ... (${ignored.length - MAX_LISTED_NAMES} more)` : "";
  return [`${ignored.length} file(s) in ${where} are not named like Tiny_Portrait_000000.png and were ignored: ${shown}${more}`];
}

function duplicateProblem(index: number, first: string, second: string): DatasetProblem {
  return {
    code: "duplicate-image",
    imageIndex: index,
    message: `${imageFileName(index)} exists twice (${first} and ${second}); cannot tell which one is right`,
  };
}

async function openFolderSource(imagesDir: string): Promise<ImageSource> {
  const images = new Map<number, ImageRef>();
  const ignored: string[] = [];

  async function walk(rel: string, depth: number): Promise<void> {
    const entries = await fsp.readdir(path.join(imagesDir, rel), { withFileTypes: true });
    // Sorted so duplicates and warnings come out the same way on every run.
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
        existing.problem ??= duplicateProblem(index, `${IMAGES_DIR_NAME}/${(existing as { relPath: string }).relPath}`, `${IMAGES_DIR_NAME}/${relPath}`);
        continue;
      }
      images.set(index, { kind: "file", relPath });
    }
  }
  await walk("", 0);

  return {
    layout: "images-folder",
    images,
    warnings: ignoredWarning(ignored, `${IMAGES_DIR_NAME}/`),
    describe: (index) => {
      const ref = images.get(index);
      return ref?.kind === "file" ? `${IMAGES_DIR_NAME}/${ref.relPath}` : imageFileName(index);
    },
    readImage: async (index) => {
      const ref = images.get(index);
      if (ref?.kind !== "file") throw new Error(`no image for Image_Index ${index}`);
      // Synchronous on purpose: for a 20 KB file in the page cache the promise API costs
      // several times the read itself, and the decoding goes on in the workers meanwhile.
      const fd = fs.openSync(path.join(imagesDir, ref.relPath), "r");
      try {
        const { size } = fs.fstatSync(fd);
        if (size > MAX_IMAGE_FILE_BYTES) throw new Error(`the file is ${size} bytes, far too large for an 84x108 PNG`);
        const buffer = Buffer.allocUnsafe(size);
        const bytesRead = fs.readSync(fd, buffer, 0, size, 0);
        return bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
      } finally {
        fs.closeSync(fd);
      }
    },
    close: async () => {},
  };
}

// yauzl 3 exports this helper, the bundled @types (2.10) do not declare it.
const getFileNameLowLevel = (yauzl as unknown as {
  getFileNameLowLevel(flags: number, raw: Buffer, extraFields: unknown[], strict: boolean): string;
}).getFileNameLowLevel;

/** An entry that an unzip tool would write outside the target folder (../, /abs, C:). */
function isTraversal(name: string): boolean {
  const normalized = name.replace(/\\/g, "/");
  return normalized.startsWith("/") || /^[a-zA-Z]:/.test(normalized) || normalized.split("/").includes("..");
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings:false so a bad entry name reaches our own check (with our message)
    // instead of failing inside yauzl; validateEntrySizes guards against lying headers.
    yauzl.open(
      zipPath,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true } as yauzl.Options,
      (err, zip) => (err || !zip ? reject(err ?? new Error("cannot open")) : resolve(zip)),
    );
  });
}

async function listZip(
  zip: yauzl.ZipFile,
  zipName: string,
  onEntry: (entry: yauzl.Entry, name: string) => void,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: yauzl.Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      const name = getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
      if (isTraversal(name)) {
        reject(
          new DatasetError(
            "path-traversal",
            `${zipName} is refused: its entry "${name}" points outside the archive folder (path traversal); no file of this zip is used`,
          ),
        );
        return;
      }
      onEntry(entry, name);
      zip.readEntry();
    });
    zip.on("end", () => resolve());
    zip.on("error", (err: Error) => reject(new DatasetError("invalid-zip", `${zipName} is not a valid zip file (${err.message})`)));
    zip.readEntry();
  });
}

async function openZipSource(zipsDir: string, zipNames: string[], maxZipBytesInMemory: number): Promise<ImageSource> {
  // yauzl reads the central directories (zip64, odd extra fields ...); the entries are then
  // sliced from the zip read whole (or, for huge zips, read with one positioned read each):
  // yauzl's per-entry read streams cost more CPU than decoding the PNG.
  const files: fsp.FileHandle[] = [];
  const images = new Map<number, ImageRef>();
  const ignored: string[] = [];
  const closeAll = async () => {
    await Promise.all(files.map((f) => f.close().catch(() => {})));
  };

  try {
    for (let z = 0; z < zipNames.length; z++) {
      const zipName = zipNames[z];
      let zip: yauzl.ZipFile;
      try {
        zip = await openZip(path.join(zipsDir, zipName));
      } catch (err) {
        throw new DatasetError("invalid-zip", `${ZIPS_DIR_NAME}/${zipName} is not a valid zip file (${(err as Error).message})`);
      }
      try {
        await listZip(zip, `${ZIPS_DIR_NAME}/${zipName}`, (entry, name) => {
          if (name.endsWith("/")) return; // folder entry
          const base = name.slice(name.lastIndexOf("/") + 1);
          const index = parseImageFileName(base);
          if (index === undefined) {
            // macOS adds __MACOSX/._* and .DS_Store; not worth a warning.
            if (!base.startsWith(".") && !name.startsWith("__MACOSX/")) ignored.push(`${zipName}:${name}`);
            return;
          }
          const here = `${zipName}:${name}`;
          const existing = images.get(index);
          if (existing) {
            const there = existing.kind === "zip" ? `${zipNames[existing.zip]}:${existing.entryName}` : "";
            existing.problem ??= duplicateProblem(index, there, here);
            return;
          }
          const location: ZipEntryLocation = {
            offset: entry.relativeOffsetOfLocalHeader,
            compressedSize: entry.compressedSize,
            size: entry.uncompressedSize,
            method: entry.compressionMethod,
            crc32: entry.crc32,
            encrypted: (entry.generalPurposeBitFlag & 1) !== 0,
          };
          const ref: ImageRef = { kind: "zip", zip: z, entry: location, entryName: name };
          if (entry.uncompressedSize > MAX_IMAGE_FILE_BYTES) {
            ref.problem = {
              code: "image-too-large",
              imageIndex: index,
              message: `${base} (in ${zipName}) is ${entry.uncompressedSize} bytes, far too large for an 84x108 PNG`,
            };
          }
          images.set(index, ref);
        });
      } finally {
        zip.close();
      }
      files.push(await fsp.open(path.join(zipsDir, zipName), "r"));
    }
  } catch (err) {
    await closeAll();
    throw err;
  }

  const zipBuffers = new ZipBufferCache(
    zipNames.map((n) => path.join(zipsDir, n)),
    maxZipBytesInMemory,
  );

  const describe = (index: number) => {
    const ref = images.get(index);
    return ref?.kind === "zip" ? `${imageFileName(index)} (in ${zipNames[ref.zip]})` : imageFileName(index);
  };

  return {
    layout: "zips",
    images,
    warnings: ignoredWarning(ignored, `${ZIPS_DIR_NAME}/`),
    describe,
    readImage: async (index) => {
      const ref = images.get(index);
      if (ref?.kind !== "zip") throw new Error(`no image for Image_Index ${index}`);
      const whole = await zipBuffers.get(ref.zip);
      if (whole) return entryData(whole, ref.entry.offset, ref.entry);
      return readZipEntry(files[ref.zip], ref.entry);
    },
    close: closeAll,
  };
}

/** Zips up to this size are read whole (the published ones are ~30 MB). */
const MAX_ZIP_IN_MEMORY = 128 * 1024 * 1024;
/**
 * Memory for whole zips. Images are read in Image_Index order, i.e. zip after zip, so two
 * published zips (~30 MB each) would do; a budget in bytes also serves many small zips.
 */
const ZIP_MEMORY_BUDGET = 192 * 1024 * 1024;
/** A zip evicted and reloaded this often is read entry by entry instead (scattered order). */
const MAX_ZIP_LOADS = 3;

/**
 * Whole zip files in memory, least recently used first out. Reading a zip in one go and
 * slicing its entries costs one read per 2,048 images instead of one per image.
 */
class ZipBufferCache {
  private readonly cache = new Map<number, { size: number; data: Promise<Buffer> }>();
  private readonly loads: number[];
  private bytes = 0;

  constructor(
    private readonly paths: string[],
    private readonly maxZipBytes: number,
  ) {
    this.loads = paths.map(() => 0);
  }

  /** The whole zip, or undefined when it should be read entry by entry. */
  get(zip: number): Promise<Buffer> | undefined {
    const hit = this.cache.get(zip);
    if (hit) {
      this.cache.delete(zip); // re-insert: most recently used last
      this.cache.set(zip, hit);
      return hit.data;
    }
    if (this.loads[zip] >= MAX_ZIP_LOADS) return undefined;
    const size = fs.statSync(this.paths[zip]).size;
    if (size > this.maxZipBytes) return undefined;
    this.loads[zip]++;
    // Evict least recently used zips (readers that already hold one keep it alive).
    while (this.cache.size > 0 && this.bytes + size > ZIP_MEMORY_BUDGET) {
      const [oldest, entry] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.bytes -= entry.size;
    }
    const data = fsp.readFile(this.paths[zip]);
    data.catch(() => {
      if (this.cache.get(zip)?.data === data) {
        this.cache.delete(zip);
        this.bytes -= size;
      }
    });
    this.cache.set(zip, { size, data });
    this.bytes += size;
    return data;
  }
}

/** Local header slack read with the data, so one read usually gets name + extra + data. */
const LOCAL_HEADER_GUESS = 30 + 256;

/**
 * Reads one entry's bytes with a positioned read: local header + data in one read (a second
 * one only if the local extra field is unusually long).
 */
async function readZipEntry(file: fsp.FileHandle, e: ZipEntryLocation): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(LOCAL_HEADER_GUESS + e.compressedSize);
  let { bytesRead } = await file.read(buffer, 0, buffer.length, e.offset);
  if (bytesRead >= 30 && 30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28) + e.compressedSize > bytesRead) {
    buffer = Buffer.allocUnsafe(30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28) + e.compressedSize);
    ({ bytesRead } = await file.read(buffer, 0, buffer.length, e.offset));
  }
  return entryData(buffer.subarray(0, bytesRead), 0, e);
}

/**
 * The bytes of the entry whose local header starts at `at` in `buffer`: inflated if deflated,
 * size- and CRC-checked (a damaged zip shows up as a clear "CRC mismatch", not as a PNG error).
 */
function entryData(buffer: Buffer, at: number, e: ZipEntryLocation): Buffer {
  if (e.encrypted) throw new Error("the zip entry is encrypted");
  if (e.method !== 0 && e.method !== 8) throw new Error(`unsupported zip compression method ${e.method}`);
  if (at + 30 > buffer.length || buffer.readUInt32LE(at) !== 0x04034b50) throw new Error("bad local file header");
  const dataStart = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28);
  if (dataStart + e.compressedSize > buffer.length) throw new Error("the zip file is truncated");
  const raw = buffer.subarray(dataStart, dataStart + e.compressedSize);
  const data = e.method === 8 ? zlib.inflateRawSync(raw, { maxOutputLength: MAX_IMAGE_FILE_BYTES }) : raw;
  if (data.length !== e.size) throw new Error("the zip entry's size does not match its header");
  if (zlib.crc32(data) !== e.crc32) throw new Error("CRC mismatch in the zip entry");
  return data;
}
