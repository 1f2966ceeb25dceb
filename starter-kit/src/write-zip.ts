import fs from "node:fs";
import { createRequire } from "node:module";

/** The part of yazl (which ships no type definitions) this kit uses. */
interface YazlZipFile {
  addBuffer(data: Buffer, name: string, options?: { compress?: boolean; mtime?: Date }): void;
  end(): void;
  outputStream: NodeJS.ReadableStream;
}

const yazl = createRequire(__filename)("yazl") as { ZipFile: new () => YazlZipFile };

/** Writes `files` (name -> bytes) into a new zip at `file`, all at its top level, deflated. */
export async function writeZip(options: { file: string; files: Record<string, Buffer | string> }): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(options.files)) zip.addBuffer(Buffer.from(data), name, { compress: true });
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(options.file);
    out.on("close", resolve);
    out.on("error", reject);
    zip.outputStream.on("error", reject);
    zip.outputStream.pipe(out);
  });
}
