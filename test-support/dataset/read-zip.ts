import { forEachZipEntry, openZipFile, readZipEntryBytes, zipEntryName } from "../../lib/zip/open-zip-file";

/**
 * Reads every entry of a zip with yauzl (an implementation independent of our writer), in
 * file order: name -> bytes. Tests only: it buffers the whole archive.
 */
export async function readZip(file: string): Promise<Map<string, Buffer>> {
  const zip = await openZipFile(file);
  const out = new Map<string, Buffer>();
  try {
    await forEachZipEntry(zip, async (entry) => {
      out.set(zipEntryName(entry, { strict: true }), await readZipEntryBytes(zip, entry));
    });
  } finally {
    zip.close();
  }
  return out;
}
