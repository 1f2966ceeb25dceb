import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { BlobStore } from "./blob-store";

/**
 * Runs `fn` with a path to a file holding the blob's bytes: the store's own file when it has
 * one (disk), else a private temp copy that is removed afterwards (database). For readers that
 * need a real file, such as the zip reader of model uploads.
 */
export async function withBlobFile<T>(
  options: { store: BlobStore; key: string; tmpDir?: string },
  fn: (file: string) => Promise<T>,
): Promise<T> {
  const local = options.store.localPath(options.key);
  if (local) return fn(local);
  const dir = await fsp.mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), "tp-blob-"));
  try {
    const file = path.join(dir, `blob-${randomBytes(4).toString("hex")}`);
    await pipeline(await options.store.openBlob(options.key), fs.createWriteStream(file, { flags: "wx", mode: 0o600 }));
    return await fn(file);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
