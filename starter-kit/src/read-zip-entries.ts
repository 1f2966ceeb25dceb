import { forEachZipEntry, openZipFile, readZipEntryBytes, zipEntryName } from "./platform";

/**
 * Calls `onEntry` with the name and bytes of every file of a zip whose name passes `match`, in
 * the zip's order, reading one entry at a time (the train zip is 2 GB: never all of it at once).
 * `onEntry` may return a promise; the next entry is read when it settles.
 */
export async function readZipEntries(options: {
  file: string;
  match: (name: string) => boolean;
  onEntry: (name: string, bytes: Buffer) => void | Promise<void>;
}): Promise<void> {
  const zip = await openZipFile(options.file);
  try {
    await forEachZipEntry(zip, async (entry) => {
      const name = zipEntryName(entry, { strict: false });
      if (name.endsWith("/") || !options.match(name)) return;
      await options.onEntry(name, await readZipEntryBytes(zip, entry));
    });
  } finally {
    zip.close();
  }
}
