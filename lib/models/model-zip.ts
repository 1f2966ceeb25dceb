import fs from "node:fs";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  forEachZipEntry,
  openZipEntryStream,
  openZipFile,
  zipEntryName,
  zipEntryRawName,
  type ZipEntry,
  type ZipFile,
} from "../zip/open-zip-file";
import { formatBytes, type ModelBundleLimits } from "./limits";
import { MANIFEST_FILE_NAME } from "./manifest";

/**
 * Reading an uploaded model zip without trusting it. Everything is decided from the central
 * directory before a byte is inflated: entry count, declared sizes, compression ratio, names
 * (no `..`, absolute paths, drive letters, backslashes, control characters), types (no
 * symlinks or devices), duplicates. Declared sizes can lie, so reading and extracting also
 * count the real bytes and stop at the declared size (yauzl's `validateEntrySizes` plus our
 * own counter).
 */

export interface ZipFileEntry {
  /** Path relative to the bundle root, posix separators. */
  name: string;
  size: number;
  compressedSize: number;
}

interface ListedEntry extends ZipFileEntry {
  raw: ZipEntry;
}

export type OpenModelZipResult = { ok: true; zip: ModelZip } | { ok: false; errors: string[] };

const MAX_NAME_LENGTH = 255;
const MAX_NAME_DEPTH = 16;
const MAX_ERRORS = 20;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const UNIX_HOST = 3;

export class ModelZip {
  private constructor(
    private readonly zip: ZipFile,
    /** Files under the bundle root, by root-relative name. */
    readonly files: ReadonlyMap<string, ZipFileEntry>,
    /** "" or the single top-level folder holding manifest.json (zips made of a folder). */
    readonly root: string,
    private readonly limits: ModelBundleLimits,
  ) {}

  static async open(file: string, limits: ModelBundleLimits): Promise<OpenModelZipResult> {
    let zip: ZipFile;
    try {
      zip = await openZipFile(file);
    } catch (e) {
      return { ok: false, errors: [`not a readable zip file (${(e as Error).message})`] };
    }
    if (zip.entryCount > limits.maxEntries) {
      zip.close();
      return { ok: false, errors: [`the zip has ${zip.entryCount} entries; at most ${limits.maxEntries} are allowed`] };
    }
    const errors: string[] = [];
    const listed: ListedEntry[] = [];
    try {
      await forEachZipEntry(zip, (entry) => {
        const e = checkEntry(entry, limits);
        if (typeof e === "string") errors.push(e);
        else if (e) listed.push(e);
      });
    } catch (e) {
      zip.close();
      return { ok: false, errors: [`not a readable zip file (${(e as Error).message})`] };
    }

    errors.push(...checkDuplicates(listed));
    const total = listed.reduce((s, e) => s + e.size, 0);
    if (total > limits.maxTotalBytes) {
      errors.push(`the zip's files add up to ${formatBytes(total)} uncompressed; at most ${formatBytes(limits.maxTotalBytes)} are allowed`);
    }
    if (errors.length) {
      zip.close();
      return { ok: false, errors: capErrors(errors) };
    }

    const root = findRoot(listed);
    const files = new Map<string, ListedEntry>();
    for (const e of listed) {
      if (root && !e.name.startsWith(root)) continue;
      const name = e.name.slice(root.length);
      files.set(name, { ...e, name });
    }
    return { ok: true, zip: new ModelZip(zip, files, root, limits) };
  }

  /** Reads one file into memory, refusing more than `maxBytes` (checked on the real bytes too). */
  async readFile(name: string, maxBytes: number): Promise<Buffer> {
    const entry = this.listed(name);
    if (entry.size > maxBytes)
      throw new ZipLimitError(`"${name}" is ${formatBytes(entry.size)}; at most ${formatBytes(maxBytes)} can be read`);
    const chunks: Buffer[] = [];
    await pipeline(await this.openStream(entry), byteCap(name, Math.min(entry.size, maxBytes)), async function* (src) {
      for await (const c of src) chunks.push(c as Buffer);
    }).catch((e) => {
      throw asSizeError(e, name, entry.size);
    });
    return Buffer.concat(chunks);
  }

  /** Extracts every file under the root into `destDir` (which must be empty), counting real bytes. */
  async extractTo(destDir: string): Promise<void> {
    const base = path.resolve(destDir);
    let written = 0;
    for (const [name] of this.files) {
      const target = path.resolve(base, ...name.split("/"));
      const rel = path.relative(base, target);
      // Names were validated already; this is the belt to those braces.
      if (!rel || rel.startsWith("..") || path.isAbsolute(rel))
        throw new ZipLimitError(`refusing to write outside the bundle folder: "${name}"`);
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
      const entry = this.listed(name);
      const budget = this.limits.maxTotalBytes - written;
      // "wx": never overwrite or follow an existing path.
      await pipeline(
        await this.openStream(entry),
        byteCap(name, Math.min(entry.size, budget)),
        fs.createWriteStream(target, { flags: "wx", mode: 0o644 }),
      ).catch((e) => {
        throw asSizeError(e, name, entry.size);
      });
      written += entry.size;
    }
  }

  close(): void {
    this.zip.close();
  }

  private listed(name: string): ListedEntry {
    const e = this.files.get(name) as ListedEntry | undefined;
    if (!e) throw new ZipLimitError(`"${name}" is not in the zip`);
    return e;
  }

  private openStream(entry: ListedEntry): Promise<Readable> {
    return openZipEntryStream(this.zip, entry.raw);
  }
}

export class ZipLimitError extends Error {}

/** yauzl's own byte-count check fires first on lying deflate entries; say it our way. */
function asSizeError(e: unknown, name: string, declared: number): Error {
  if (e instanceof ZipLimitError) return e;
  const msg = (e as Error).message ?? String(e);
  if (/too many bytes|not enough bytes/.test(msg)) {
    return new ZipLimitError(
      `"${name}" inflates to ${/not enough/.test(msg) ? "fewer" : "more"} bytes than its declared size (${formatBytes(declared)}); the zip is corrupt or a zip bomb`,
    );
  }
  return new ZipLimitError(`"${name}" could not be read from the zip (${msg})`);
}

/** Passes bytes through and fails as soon as more than `max` arrive (declared sizes lie). */
function byteCap(name: string, max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max)
        cb(
          new ZipLimitError(
            `"${name}" inflates to more bytes than its declared size (${formatBytes(max)}); the zip is corrupt or a zip bomb`,
          ),
        );
      else cb(null, chunk);
    },
  });
}

/** A validated entry, undefined for folders, or a message naming the entry. */
function checkEntry(entry: ZipEntry, limits: ModelBundleLimits): ListedEntry | string | undefined {
  let name: string;
  try {
    // strict: backslashes stay, so nameProblem refuses them.
    name = zipEntryName(entry, { strict: true });
  } catch {
    name = zipEntryRawName(entry).toString("latin1");
  }
  const shown = JSON.stringify(name);
  const problem = nameProblem(name);
  if (problem) return `entry ${shown}: ${problem}`;

  const madeByUnix = entry.versionMadeBy >>> 8 === UNIX_HOST;
  const mode = entry.externalFileAttributes >>> 16;
  const type = madeByUnix ? mode & S_IFMT : 0;
  const isDir = name.endsWith("/");
  if (type === S_IFLNK) return `entry ${shown} is a symbolic link; links are not allowed in a model bundle`;
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
    return `entry ${shown} is not a regular file or folder (unix mode ${mode.toString(8)})`;
  if (type === S_IFDIR && !isDir) return `entry ${shown} is marked as a folder but its name does not end with "/"`;
  if (entry.isEncrypted()) return `entry ${shown} is encrypted; upload an unencrypted zip`;
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    return `entry ${shown} uses compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are supported`;
  }
  if (isDir) return entry.uncompressedSize === 0 ? undefined : `entry ${shown} is a folder with ${entry.uncompressedSize} bytes of data`;
  if (entry.uncompressedSize > limits.maxEntryBytes) {
    return `entry ${shown} is ${formatBytes(entry.uncompressedSize)} uncompressed; one file may be at most ${formatBytes(limits.maxEntryBytes)}`;
  }
  const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
  if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxCompressionRatio) {
    return `entry ${shown} compresses ${Math.round(ratio)}:1 (${formatBytes(entry.compressedSize)} -> ${formatBytes(entry.uncompressedSize)}); more than ${limits.maxCompressionRatio}:1 looks like a zip bomb`;
  }
  return { name, size: entry.uncompressedSize, compressedSize: entry.compressedSize, raw: entry };
}

/** Why a zip entry name is unsafe, or undefined. Folders end with "/". */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return "empty name";
  if (name.length > MAX_NAME_LENGTH) return `name longer than ${MAX_NAME_LENGTH} characters`;

  if (/[\u0000-\u001f\u007f]/.test(name)) return "name contains control characters";
  if (name.includes("\\")) return "name contains a backslash; zip paths must use /";
  if (name.startsWith("/")) return "absolute path; entries must be relative to the zip root";
  if (/^[a-zA-Z]:/.test(name)) return "name starts with a drive letter; entries must be relative to the zip root";
  const parts = name.replace(/\/$/, "").split("/");
  if (parts.includes("..")) return 'path traversal: ".." is not allowed in entry names';
  if (parts.some((p) => p === "" || p === ".")) return 'empty or "." path segment';
  if (parts.length > MAX_NAME_DEPTH) return `nested deeper than ${MAX_NAME_DEPTH} folders`;
  return undefined;
}

function checkDuplicates(entries: ListedEntry[]): string[] {
  const errors: string[] = [];
  const seen = new Map<string, string>();
  for (const e of entries) {
    // Case-insensitive: the bundle may be extracted on a case-insensitive file system one day.
    const key = e.name.toLowerCase();
    const prev = seen.get(key);
    if (prev !== undefined)
      errors.push(`entry ${JSON.stringify(e.name)} appears more than once${prev !== e.name ? ` (as ${JSON.stringify(prev)})` : ""}`);
    else seen.set(key, e.name);
  }
  for (const e of entries) {
    const parts = e.name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/").toLowerCase();
      if (seen.has(parent)) {
        errors.push(`entry ${JSON.stringify(e.name)} is inside ${JSON.stringify(seen.get(parent))}, which is a file`);
        break;
      }
    }
  }
  return errors;
}

/** Zips of a folder put everything under "folder/": use it as the root when it holds the manifest. */
function findRoot(entries: ListedEntry[]): string {
  const names = entries.map((e) => e.name);
  if (names.includes(MANIFEST_FILE_NAME)) return "";
  const candidates = names.filter((n) => /^[^/]+\/manifest\.json$/.test(n) && !n.startsWith("__MACOSX/"));
  return candidates.length === 1 ? candidates[0].slice(0, -MANIFEST_FILE_NAME.length) : "";
}

function capErrors(errors: string[]): string[] {
  return errors.length > MAX_ERRORS ? [...errors.slice(0, MAX_ERRORS), `... and ${errors.length - MAX_ERRORS} more problems`] : errors;
}
