import type { Readable } from "node:stream";
import yauzl from "yauzl";

/**
 * The one way this platform reads a zip it did not just write (uploaded model bundles, dataset
 * sources, downloads in the starter kit and the tests): yauzl, which handles ZIP64, odd extra
 * fields and lying sizes, opened always with the same options:
 *  - lazyEntries: entries are pulled one at a time, so a 100k-entry listing never queues up;
 *  - autoClose off: callers read entries after listing and close the file themselves;
 *  - decodeStrings off: the raw name reaches the caller's own checks (path traversal, control
 *    characters ...), which refuse a bad entry with our message instead of failing inside yauzl;
 *  - validateEntrySizes: a read stream fails when an entry inflates to more or fewer bytes than
 *    its header declares (zip bombs, corrupt data).
 * Nothing else in the repository imports yauzl.
 */
export type ZipFile = yauzl.ZipFile;
export type ZipEntry = yauzl.Entry;

export function openZipFile(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error("cannot open the zip")) : resolve(zip),
    ),
  );
}

// The two things yauzl 3 has that @types/yauzl (2.10, the latest published) does not declare:
// the exported name decoder, and `fileName` being the raw bytes under decodeStrings: false.
const yauzl3 = yauzl as unknown as {
  getFileNameLowLevel(flags: number, raw: Buffer, extraFields: { id: number; data: Buffer }[], strict: boolean): string;
};

/**
 * The entry's name as yauzl would decode it (UTF-8 when flagged or given in an Info-ZIP unicode
 * path field, CP437 otherwise). `strict: false` turns backslashes into slashes (zips made on
 * Windows); `strict: true` keeps them, so a caller can refuse them.
 */
export function zipEntryName(entry: ZipEntry, options: { strict: boolean }): string {
  return yauzl3.getFileNameLowLevel(entry.generalPurposeBitFlag, zipEntryRawName(entry), entry.extraFields, options.strict);
}

/** The name's bytes as stored in the central directory. */
export function zipEntryRawName(entry: ZipEntry): Buffer {
  return entry.fileName as unknown as Buffer;
}

/**
 * Calls `onEntry` for every entry, in central-directory order; the next entry is read once
 * `onEntry` (or the promise it returns) settles. Rejects with the zip's error, or with what
 * `onEntry` threw: then no further entry is read.
 */
export function forEachZipEntry(zip: ZipFile, onEntry: (entry: ZipEntry) => void | Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    zip.on("entry", (entry: ZipEntry) => {
      let settled: void | Promise<void>;
      try {
        settled = onEntry(entry);
      } catch (err) {
        reject(err);
        return;
      }
      if (settled instanceof Promise) settled.then(() => zip.readEntry(), reject);
      else zip.readEntry();
    });
    zip.on("end", () => resolve());
    zip.on("error", reject);
    zip.readEntry();
  });
}

/** The entry's bytes as a stream, inflated and size-checked by yauzl. */
export function openZipEntryStream(zip: ZipFile, entry: ZipEntry): Promise<Readable> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err ?? new Error("cannot read the zip entry")) : resolve(stream))),
  );
}

/** The entry's bytes in memory: for entries whose size the caller has already bounded. */
export async function readZipEntryBytes(zip: ZipFile, entry: ZipEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await openZipEntryStream(zip, entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
