import { createHash } from "node:crypto";
import type { Db } from "../db/client";
import { isAppError } from "../errors/app-error";
import { manifestKeyFor } from "../submissions/submission-blob-keys";
import type { BlobStore } from "./blob-store";

export interface MoveUploadsResult {
  /** Blobs copied to the target and verified there. */
  copied: number;
  /** Blobs already in the target with the right bytes (an earlier, interrupted run). */
  alreadyThere: number;
  /** Blobs the source did not have (a manifest that never existed, or a file already lost). */
  missing: string[];
  /** Blobs removed from the source after they were verified in the target (deleteSource). */
  deletedFromSource: number;
  bytes: number;
}

export interface MoveUploadsOptions {
  db: Db;
  from: BlobStore;
  to: BlobStore;
  /** Remove each blob from the source once the target holds it verified. Default false: copy. */
  deleteSource?: boolean;
  log?: (message: string) => void;
}

/** Never refused for size: these bytes were accepted under the limits of the day they came. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * Copies every upload the database refers to (each submission's file, and a bare .onnx's
 * manifest beside it) from one blob store to another, e.g. `disk` to `s3` before a deployment
 * grows to several machines. Each copy is verified: the target's size and SHA-256, computed while
 * storing, must match the submission's record (and, for manifests, the source's bytes), or the
 * copy is removed and the move fails.
 *
 * Idempotent and resumable: a blob the target already holds with the right bytes is skipped, so
 * an interrupted move is finished by running it again. Keys are the same in every store, so no
 * database row changes; what changes afterwards is BLOB_STORE, which is configuration. Two stores
 * of one kind work too (a backup's uploads folder is a disk store).
 */
export async function moveUploads(options: MoveUploadsOptions): Promise<MoveUploadsResult> {
  const { db, from, to } = options;
  const log = options.log ?? (() => {});
  const result: MoveUploadsResult = { copied: 0, alreadyThere: 0, missing: [], deletedFromSource: 0, bytes: 0 };

  const submissions = await db.submission.findMany({
    select: { id: true, kind: true, fileKey: true, fileSize: true, sha256: true },
    orderBy: { createdAt: "asc" },
  });
  const items: { key: string; expected?: { size: number; sha256: string } }[] = [];
  for (const s of submissions) {
    items.push({ key: s.fileKey, expected: { size: s.fileSize, sha256: s.sha256 } });
    if (s.kind === "model") items.push({ key: manifestKeyFor(s.fileKey) });
  }

  for (const [index, item] of items.entries()) {
    const existing = await digest(to, item.key);
    const source = await digest(from, item.key);
    // A manifest has no record of its own: the source's bytes are the reference.
    const expected = item.expected ?? source ?? existing;
    if (!expected) continue; // a model zip carries its manifest inside: no separate blob
    if (existing && existing.size === expected.size && existing.sha256 === expected.sha256) {
      result.alreadyThere++;
    } else if (!source) {
      result.missing.push(item.key);
      continue;
    } else {
      if (source.size !== expected.size || source.sha256 !== expected.sha256) {
        throw new Error(
          `${item.key}: the source's bytes do not match the submission's record (${source.size} bytes, sha256 ${source.sha256})`,
        );
      }
      // A different object under our key can only be a stale copy from elsewhere: replace it.
      if (existing) await to.deleteBlob(item.key);
      const stored = await to.putBlob({ key: item.key, stream: await from.openBlob(item.key), maxBytes: NO_LIMIT });
      const verified = await digest(to, item.key);
      if (stored.sha256 !== expected.sha256 || verified?.sha256 !== expected.sha256 || verified.size !== expected.size) {
        await to.deleteBlob(item.key);
        throw new Error(`${item.key}: the copy in ${to.kind} does not match the source; removed it`);
      }
      result.copied++;
      result.bytes += expected.size;
    }
    if (options.deleteSource && source) {
      await from.deleteBlob(item.key);
      result.deletedFromSource++;
    }
    if ((index + 1) % 100 === 0) log(`${index + 1}/${items.length} blobs checked`);
  }
  return result;
}

/** Size and SHA-256 of a blob as the store serves it, or undefined when it has no such key. */
async function digest(store: BlobStore, key: string): Promise<{ size: number; sha256: string } | undefined> {
  let stream;
  try {
    stream = await store.openBlob(key);
  } catch (error) {
    if (isAppError(error) && error.code === "not-found") return undefined;
    throw error;
  }
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    hash.update(bytes);
  }
  return { size, sha256: hash.digest("hex") };
}
