import { PassThrough, Readable } from "node:stream";
import { once } from "node:events";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { AppError } from "../errors/app-error";
import { assertBlobKey, blobNotFoundError, type BlobStore, type PutBlobOptions, type StoredBlob } from "./blob-store";
import { consumeBlobChunks } from "./consume-blob-chunks";

export interface S3Settings {
  bucket: string;
  /** A self-hosted server (SeaweedFS, Garage, ...): http(s)://host:port. Unset: AWS itself. */
  endpoint?: string;
  /** Bucket in the path (http://host/bucket/key) rather than the host name; default: on when an endpoint is set. */
  forcePathStyle?: boolean;
  region?: string;
  /** Explicit credentials (tests); otherwise the SDK's standard chain (AWS_ACCESS_KEY_ID, ...). */
  credentials?: S3ClientConfig["credentials"];
}

/** Multipart part size: the S3 minimum. Memory per upload is about partSize x queueSize. */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;

export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle ?? settings.endpoint !== undefined,
    region: settings.region ?? "us-east-1",
    credentials: settings.credentials,
    // The SDK's default since 3.729 sends CRC32 trailers in aws-chunked bodies, which several
    // self-hosted S3 servers do not understand; checksums only where the API requires them.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

function isMissing(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404;
}

/**
 * Blobs as objects in an S3-compatible bucket, for deployments over several machines: every web
 * node and worker reaches the bucket, and model uploads of hundreds of MB stay out of the
 * database. Uploads stream through a multipart upload (parts of 5 MiB, two in flight), counted
 * and hashed as they arrive; over the size limit the source is destroyed and the multipart upload
 * aborted, so no object is created. Objects are written only under generated keys, and a key
 * that already exists is refused (checked before writing: keys hold 128 random bits, so two
 * writers of one key are a bug, not a race to arbitrate).
 */
export function createS3BlobStore(options: { client: S3Client; bucket: string }): BlobStore {
  const { client, bucket } = options;

  async function exists(key: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  return {
    kind: "s3",

    async putBlob(put: PutBlobOptions): Promise<StoredBlob> {
      assertBlobKey(put.key);
      if (await exists(put.key)) {
        throw new AppError("conflict", { user: "The file could not be stored.", internal: `blob ${put.key} already exists` });
      }
      const body = new PassThrough();
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: put.key, Body: body, ContentType: "application/octet-stream" },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      let failed: unknown;
      const uploading = upload.done().catch((error: unknown) => {
        failed = error;
        body.destroy();
      });
      let stored: { size: number; sha256: string };
      try {
        stored = await consumeBlobChunks(put, async (chunk) => {
          if (failed) throw failed;
          // Backpressure: wait while the parts in flight drain, or until the upload fails.
          if (!body.write(chunk)) await Promise.race([once(body, "drain"), uploading]);
          if (failed) throw failed;
        });
      } catch (error) {
        // Abort first: the uploader checks the signal before each part, so the bytes read so far
        // are never completed into an object; the multipart upload is then aborted on the server.
        await upload.abort();
        body.destroy(new Error("upload cancelled"));
        await uploading;
        throw error;
      }
      body.end();
      await uploading;
      if (failed) throw failed;
      return { key: put.key, ...stored };
    },

    async openBlob(key: string): Promise<Readable> {
      assertBlobKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        // In Node the body is an http.IncomingMessage (a Readable) with the SDK's helpers mixed in.
        if (!(object.Body instanceof Readable)) throw new Error(`S3 GetObject ${key}: body is not a Node stream`);
        return object.Body;
      } catch (error) {
        if (isMissing(error)) throw blobNotFoundError(key);
        throw error;
      }
    },

    async deleteBlob(key: string): Promise<void> {
      assertBlobKey(key);
      // S3 answers 204 for a missing key too, which is what the interface asks for.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    localPath(): undefined {
      return undefined;
    },
  };
}
