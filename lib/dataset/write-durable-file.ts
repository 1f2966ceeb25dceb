import fsp from "node:fs/promises";

/**
 * Writes a file and fsyncs it before returning: a build is installed (the `current` swap) only
 * once every file in it is on disk, so a crash never leaves a live build with empty files.
 */
export async function writeDurableFile(filePath: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const handle = await fsp.open(filePath, "w", mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
