import { createZipWriter } from "./platform";

/** Writes `files` (name -> bytes) into a new zip at `file`, all at its top level, deflated. */
export async function writeZip(options: { file: string; files: Record<string, Buffer | string> }): Promise<void> {
  const zip = await createZipWriter(options.file);
  try {
    for (const [name, data] of Object.entries(options.files)) await zip.add(name, Buffer.from(data), { compress: true });
    await zip.finish();
  } catch (err) {
    await zip.abort();
    throw err;
  }
}
