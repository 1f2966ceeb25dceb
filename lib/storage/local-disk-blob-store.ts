import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { AppError } from "../errors/app-error";
import { assertBlobKey, blobNotFoundError, type BlobStore, type PutBlobOptions, type StoredBlob } from "./blob-store";
import { consumeBlobChunks } from "./consume-blob-chunks";

/** Folder under DATA_DIR that holds uploads. The model sandbox masks it (scorer). */
export const UPLOADS_DIR_NAME = "uploads";
const PARTIAL_DIR_NAME = ".partial";

export function uploadsDir(dataDir: string): string {
  return path.join(dataDir, UPLOADS_DIR_NAME);
}

/**
 * Blobs as files under `root` (default `${DATA_DIR}/uploads`), at `root/<key>`.
 *
 * Bytes go to `root/.partial/<random>` first, are counted and hashed as they arrive, fsynced,
 * then hard-linked to their final name (link fails if the key exists, so nothing is ever
 * overwritten) and the partial name removed. A crash leaves at most a file in .partial/, never
 * a truncated blob under a real key. Over the size limit, writing stops at once, the source
 * stream is destroyed (which aborts an HTTP upload) and the partial file is deleted.
 */
export function createLocalDiskBlobStore(options: { root: string }): BlobStore {
  const root = path.resolve(options.root);
  const partialDir = path.join(root, PARTIAL_DIR_NAME);
  const fileOf = (key: string) => {
    assertBlobKey(key);
    return path.join(root, ...key.split("/"));
  };

  return {
    kind: "disk",

    async putBlob(put: PutBlobOptions): Promise<StoredBlob> {
      const target = fileOf(put.key);
      await fsp.mkdir(partialDir, { recursive: true });
      const partial = path.join(partialDir, `${randomBytes(12).toString("hex")}.part`);
      let stored: { size: number; sha256: string };
      const file = await fsp.open(partial, "wx", 0o600);
      try {
        try {
          stored = await consumeBlobChunks(put, async (chunk) => {
            await file.write(chunk);
          });
          await file.sync();
        } finally {
          await file.close();
        }
        await fsp.mkdir(path.dirname(target), { recursive: true });
        try {
          await fsp.link(partial, target);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "EEXIST") {
            throw new AppError("conflict", { user: "The file could not be stored.", internal: `blob ${put.key} already exists` });
          }
          throw error;
        }
      } finally {
        await fsp.rm(partial, { force: true });
      }
      return { key: put.key, ...stored };
    },

    async openBlob(key: string): Promise<Readable> {
      const file = fileOf(key);
      // Open first, so a missing key is reported here rather than as a stream error later.
      const handle = await fsp.open(file, "r").catch((error: NodeJS.ErrnoException) => {
        throw error.code === "ENOENT" ? blobNotFoundError(key) : error;
      });
      return handle.createReadStream();
    },

    async deleteBlob(key: string): Promise<void> {
      const file = fileOf(key);
      await fsp.rm(file, { force: true });
      // Remove folders left empty (the random per-upload folder, then the day folder); stop at
      // the first one that still holds something.
      let dir = path.dirname(file);
      while (dir.startsWith(root + path.sep)) {
        try {
          await fsp.rmdir(dir);
        } catch {
          break;
        }
        dir = path.dirname(dir);
      }
    },

    localPath(key: string): string | undefined {
      const file = fileOf(key);
      return fs.existsSync(file) ? file : undefined;
    },
  };
}
