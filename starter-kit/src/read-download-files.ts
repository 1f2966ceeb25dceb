import fs from "node:fs";
import path from "node:path";
import type { DownloadSource } from "./locate-downloads";
import { readZipEntries } from "./read-zip-entries";

/**
 * Calls `onFile` for every file under the folder `under` of a download (a zip, or the folder it
 * was extracted into), in name order for folders and zip order for zips. Names are zip-style:
 * "Tiny_Portraits_Images/Tiny_Portrait_000123.png".
 */
export async function readDownloadFiles(options: {
  source: DownloadSource;
  under: string;
  onFile: (name: string, bytes: Buffer) => void | Promise<void>;
}): Promise<void> {
  const { source, under, onFile } = options;
  if (source.kind === "zip") return readZipEntries({ file: source.file, match: (name) => name.startsWith(`${under}/`), onEntry: onFile });
  const walk = async (rel: string): Promise<void> => {
    const entries = fs.readdirSync(path.join(source.dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const name = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(name);
      else await onFile(name, fs.readFileSync(path.join(source.dir, name)));
    }
  };
  await walk(under);
}

/** One top-level file of a download (e.g. the labels CSV of the train zip), or undefined. */
export async function readDownloadFile(options: { source: DownloadSource; name: string }): Promise<Buffer | undefined> {
  const { source, name } = options;
  if (source.kind === "folder") {
    const file = path.join(source.dir, name);
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  }
  let found: Buffer | undefined;
  await readZipEntries({ file: source.file, match: (n) => n === name, onEntry: (_, bytes) => void (found = bytes) });
  return found;
}
