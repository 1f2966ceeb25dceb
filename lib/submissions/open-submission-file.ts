import type { Readable } from "node:stream";
import type { Db } from "../db/client";
import type { BlobStore } from "../storage/blob-store";
import { getBlobStore } from "../storage/get-blob-store";
import { submissionNotFound } from "./get-submission-for-user";

export interface OpenedSubmissionFile {
  stream: Readable;
  /** The participant's original file name (display text: sanitise before putting it in a header). */
  fileName: string;
  size: number;
  sha256: string;
}

/**
 * The uploaded file of one of the user's own submissions, streamed from the blob store.
 * Anyone else's (organizers included: they rescore through the worker, not by downloading)
 * is "not found", like a missing one.
 */
export async function openSubmissionFile(options: {
  db: Db;
  submissionId: string;
  userId: string;
  store?: BlobStore;
  dataDir?: string;
}): Promise<OpenedSubmissionFile> {
  const { db, submissionId, userId } = options;
  if (typeof submissionId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(submissionId)) throw submissionNotFound(String(submissionId));
  const row = await db.submission.findFirst({
    where: { id: submissionId, userId },
    select: { fileKey: true, fileName: true, fileSize: true, sha256: true },
  });
  if (!row) throw submissionNotFound(submissionId);
  const store = options.store ?? getBlobStore({ db, dataDir: options.dataDir });
  const stream = await store.openBlob(row.fileKey);
  return { stream, fileName: row.fileName, size: row.fileSize, sha256: row.sha256 };
}
