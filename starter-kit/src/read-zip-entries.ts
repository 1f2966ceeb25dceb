import yauzl from "yauzl";

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
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(options.file, { lazyEntries: true, autoClose: false }, (err, z) => (err || !z ? reject(err ?? new Error("no zip")) : resolve(z))),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", reject);
      zip.on("end", resolve);
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/") || !options.match(entry.fileName)) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("error", reject);
          stream.on("end", () => {
            Promise.resolve(options.onEntry(entry.fileName, Buffer.concat(chunks))).then(() => zip.readEntry(), reject);
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
