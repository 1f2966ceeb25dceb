import type { Readable } from "node:stream";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { BlobStore } from "../storage/blob-store";
import { getBlobStore } from "../storage/get-blob-store";

/**
 * Organizer: the participant's code archive, streamed from the blob store as uploaded (it is
 * never extracted on the server). Each download is recorded in the audit trail before the
 * first byte, like an organizer opening a submission's file.
 */
export async function openVerificationCode(options: {
  db: Db;
  verificationId: string;
  actor: AuditActor;
  store?: BlobStore;
}): Promise<{ stream: Readable; fileName: string; size: number }> {
  const { db } = options;
  const v = await db.winnerVerification.findUnique({
    where: { id: options.verificationId },
    select: { id: true, submissionId: true, codeFileKey: true, codeFileName: true, codeFileSize: true },
  });
  if (!v)
    throw new AppError("not-found", { user: "This verification does not exist.", internal: `verification ${options.verificationId}` });
  if (!v.codeFileKey) throw new AppError("not-found", { user: "The participant has not uploaded their code yet." });
  await recordAuditEvent({
    db,
    actor: options.actor,
    action: "verification.code-download",
    target: { type: "verification", id: v.id },
    details: { submissionId: v.submissionId, fileName: v.codeFileName, size: v.codeFileSize },
  });
  const store = options.store ?? getBlobStore({ db });
  return { stream: await store.openBlob(v.codeFileKey), fileName: v.codeFileName ?? "code", size: v.codeFileSize ?? 0 };
}
