import type { Db } from "../db/client";
import { getDb } from "../db/client";
import { env } from "../env";
import type { BlobStore } from "./blob-store";
import { createDatabaseBlobStore } from "./database-blob-store";
import { createLocalDiskBlobStore, uploadsDir } from "./local-disk-blob-store";

/**
 * The blob store this process is configured for (BLOB_STORE, default `disk`). Every process of
 * one deployment must use the same kind: the web server stores, the workers read.
 */
export function getBlobStore(options: { db?: Db; dataDir?: string; kind?: "disk" | "database" } = {}): BlobStore {
  const kind = options.kind ?? env().BLOB_STORE;
  if (kind === "database") return createDatabaseBlobStore({ db: options.db ?? getDb() });
  return createLocalDiskBlobStore({ root: uploadsDir(options.dataDir ?? env().dataDir) });
}
