import type { Db } from "../db/client";
import { getDb } from "../db/client";
import { env, type Env } from "../env";
import type { BlobStore, BlobStoreKind } from "./blob-store";
import { createDatabaseBlobStore } from "./database-blob-store";
import { createLocalDiskBlobStore, uploadsDir } from "./local-disk-blob-store";
import { createS3BlobStore, createS3Client, type S3Settings } from "./s3-blob-store";

/**
 * The blob store this process is configured for (BLOB_STORE, default `disk`). Every process of
 * one deployment must use the same kind: the web server stores, the workers read.
 */
export function getBlobStore(options: { db?: Db; dataDir?: string; kind?: BlobStoreKind; s3?: S3Settings } = {}): BlobStore {
  const kind = options.kind ?? env().BLOB_STORE;
  if (kind === "database") return createDatabaseBlobStore({ db: options.db ?? getDb() });
  if (kind === "s3") {
    const settings = options.s3 ?? s3SettingsFromEnv(env());
    return createS3BlobStore({ client: s3ClientFor(settings), bucket: settings.bucket });
  }
  return createLocalDiskBlobStore({ root: uploadsDir(options.dataDir ?? env().dataDir) });
}

/** S3 settings from S3_* (credentials come from the SDK's standard chain: AWS_ACCESS_KEY_ID, ...). */
export function s3SettingsFromEnv(config: Env): S3Settings {
  if (!config.S3_BUCKET) throw new Error("BLOB_STORE=s3 needs S3_BUCKET (and S3_ENDPOINT for a self-hosted server)");
  return {
    bucket: config.S3_BUCKET,
    endpoint: config.S3_ENDPOINT,
    forcePathStyle: config.S3_FORCE_PATH_STYLE === undefined ? undefined : config.S3_FORCE_PATH_STYLE === "1",
    region: config.S3_REGION ?? process.env.AWS_REGION,
  };
}

// One client (and its connection pool) per settings for the process: getBlobStore is called
// per request.
const clients = new Map<string, ReturnType<typeof createS3Client>>();
function s3ClientFor(settings: S3Settings): ReturnType<typeof createS3Client> {
  const id = JSON.stringify({ ...settings, credentials: settings.credentials ? "explicit" : "chain" });
  let client = settings.credentials ? undefined : clients.get(id);
  if (!client) {
    client = createS3Client(settings);
    if (!settings.credentials) clients.set(id, client);
  }
  return client;
}
