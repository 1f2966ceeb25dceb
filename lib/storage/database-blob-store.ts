import { Readable } from "node:stream";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { AppError } from "../errors/app-error";
import { assertBlobKey, blobNotFoundError, type BlobStore, type PutBlobOptions, type StoredBlob } from "./blob-store";
import { consumeBlobChunks } from "./consume-blob-chunks";

/**
 * Blobs as rows of the Blob table, for deployments where web nodes and workers share the
 * database but no disk. The bytes are collected in memory (bounded by maxBytes, checked while
 * they arrive) and written in one insert, so a blob is either absent or complete.
 *
 * Fine for CSVs (about a megabyte); for large model uploads it costs that much memory per
 * upload and a large row in the database. A chunked table or an object store (S3-like) would be
 * the next step if model uploads in the hundreds of MB become common.
 */
export function createDatabaseBlobStore(options: { db: Db }): BlobStore {
  const { db } = options;
  return {
    kind: "database",

    async putBlob(put: PutBlobOptions): Promise<StoredBlob> {
      assertBlobKey(put.key);
      const chunks: Uint8Array[] = [];
      const { size, sha256 } = await consumeBlobChunks(put, (chunk) => void chunks.push(chunk));
      try {
        await db.blob.create({ data: { key: put.key, size, sha256, bytes: Buffer.concat(chunks, size) } });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError("conflict", { user: "The file could not be stored.", internal: `blob ${put.key} already exists` });
        }
        throw error;
      }
      return { key: put.key, size, sha256 };
    },

    async openBlob(key: string): Promise<Readable> {
      assertBlobKey(key);
      const row = await db.blob.findUnique({ where: { key }, select: { bytes: true } });
      if (!row) throw blobNotFoundError(key);
      return Readable.from([Buffer.from(row.bytes)]);
    },

    async deleteBlob(key: string): Promise<void> {
      assertBlobKey(key);
      await db.blob.deleteMany({ where: { key } });
    },

    localPath(): undefined {
      return undefined;
    },
  };
}
