import { parseImageFileName } from "../challenge/definition";
import { forEachZipEntry, openZipFile, zipEntryName, type ZipFile } from "../zip/open-zip-file";
import { zipEntryLocation, type ZipEntryLocation } from "../zip/read-zip-entry-at";
import { DatasetError } from "./dataset-error";

export interface ZipImage {
  index: number;
  /** The entry's full name (PNGs may sit in a folder inside the zip: matched by base name). */
  entryName: string;
  location: ZipEntryLocation;
}

/**
 * The portrait entries of one source zip, from its central directory alone (no entry read),
 * in the zip's order. Entries not named like a portrait are returned as `ignored`, except
 * folders and what macOS adds (__MACOSX/, dot files). One entry that an unzip tool would
 * write outside the target folder refuses the whole zip ("path-traversal"); an unreadable zip
 * is "invalid-zip". `shownName` names the zip in those messages.
 */
export async function listZipImages(options: { zipPath: string; shownName: string }): Promise<{ images: ZipImage[]; ignored: string[] }> {
  const { zipPath, shownName } = options;
  const invalid = (err: unknown) => new DatasetError("invalid-zip", `${shownName} is not a valid zip file (${(err as Error).message})`);
  let zip: ZipFile;
  try {
    zip = await openZipFile(zipPath);
  } catch (err) {
    throw invalid(err);
  }
  const images: ZipImage[] = [];
  const ignored: string[] = [];
  try {
    await forEachZipEntry(zip, (entry) => {
      const name = zipEntryName(entry, { strict: false });
      if (isTraversal(name)) {
        throw new DatasetError(
          "path-traversal",
          `${shownName} is refused: its entry "${name}" points outside the archive folder (path traversal); no file of this zip is used`,
        );
      }
      if (name.endsWith("/")) return; // folder entry
      const base = name.slice(name.lastIndexOf("/") + 1);
      const index = parseImageFileName(base);
      if (index !== undefined) images.push({ index, entryName: name, location: zipEntryLocation(entry) });
      else if (!base.startsWith(".") && !name.startsWith("__MACOSX/")) ignored.push(name);
    });
  } catch (err) {
    throw err instanceof DatasetError ? err : invalid(err);
  } finally {
    zip.close();
  }
  return { images, ignored };
}

/** An entry that an unzip tool would write outside the target folder (../, /abs, C:). */
export function isTraversal(name: string): boolean {
  const normalized = name.replace(/\\/g, "/");
  return normalized.startsWith("/") || /^[a-zA-Z]:/.test(normalized) || normalized.split("/").includes("..");
}
