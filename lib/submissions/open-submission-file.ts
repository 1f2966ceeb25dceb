import type { Readable } from "node:stream";
import type { Db } from "../db/client";
import type { BlobStore } from "../storage/blob-store";
import { getBlobStore } from "../storage/get-blob-store";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
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
 * Anyone else's is "not found", like a missing one, except for an organizer acting through the
 * organizer route (`organizer`, a session-only route: an API token never gets here as one): they
 * may open any submission's file, and each time they open someone else's it is recorded in the
 * audit trail before the first byte.
 */
export async function openSubmissionFile(options: {
  db: Db;
  submissionId: string;
  userId: string;
  organizer?: AuditActor;
  store?: BlobStore;
  dataDir?: string;
}): Promise<OpenedSubmissionFile> {
  const { db, submissionId, userId, organizer } = options;
  if (typeof submissionId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(submissionId)) throw submissionNotFound(String(submissionId));
  const row = await db.submission.findFirst({
    where: organizer ? { id: submissionId } : { id: submissionId, userId },
    select: { fileKey: true, fileName: true, fileSize: true, sha256: true, userId: true },
  });
  if (!row) throw submissionNotFound(submissionId);
  if (organizer && row.userId !== userId) {
    await recordAuditEvent({
      db,
      actor: organizer,
      action: "submission.file",
      target: { type: "submission", id: submissionId },
      details: { owner: row.userId, fileName: row.fileName, sha256: row.sha256 },
    });
  }
  const store = options.store ?? getBlobStore({ db, dataDir: options.dataDir });
  const stream = await store.openBlob(row.fileKey);
  return { stream, fileName: row.fileName, size: row.fileSize, sha256: row.sha256 };
}
