import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import type { S3Settings } from "../lib/storage/s3-blob-store";

export interface LocalS3Server {
  /** Settings for createS3BlobStore / getBlobStore({ kind: "s3", s3 }): path-style, fixed test credentials. */
  settings: S3Settings;
  /** The same as environment variables, for child processes (BLOB_STORE=s3 ...). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** s3rver accepts any signature made with these (its documented defaults). */
const ACCESS_KEY_ID = "S3RVER";
const SECRET_ACCESS_KEY = "S3RVER";

/**
 * A real S3-compatible server for tests and benches: s3rver (unmaintained, so tests only) on an
 * ephemeral loopback port, storing its objects in a temp folder removed by close().
 */
export async function startLocalS3Server(options: { bucket?: string } = {}): Promise<LocalS3Server> {
  const bucket = options.bucket ?? "tp-test";
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "tp-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    settings: {
      bucket,
      endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
    },
    env: {
      BLOB_STORE: "s3",
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: "1",
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      AWS_REGION: "us-east-1",
    },
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
