import { z } from "zod";
import type { Db, WinnerVerification } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { inspectModelBundle } from "../models/inspect-model-bundle";
import type { BlobStore } from "../storage/blob-store";
import { newBlobKey } from "../storage/blob-store";
import { getBlobStore } from "../storage/get-blob-store";
import { withBlobFile } from "../storage/with-blob-file";
import { MAX_MANIFEST_BYTES, inferSubmissionKind } from "../submissions/create-submission-input";
import { manifestKeyFor } from "../submissions/submission-blob-keys";
import { MAX_VERIFICATION_CODE_BYTES, UPLOADABLE_STATUSES } from "./verification-status";

export const VerificationUploadQuery = z
  .object({
    part: z.enum(["code", "model"], { error: 'expected "code" (the training code archive) or "model" (the model bundle)' }),
    fileName: z.string({ error: "a file name is required (?fileName=...)" }).trim().min(1).max(200),
  })
  .strict();

/** A code archive is a zip or a gzip-compressed tar, told by its first bytes (the name alone proves nothing). */
const CODE_ARCHIVES = [
  { ext: [".zip"], magic: [0x50, 0x4b, 0x03, 0x04], what: "zip" },
  { ext: [".tar.gz", ".tgz"], magic: [0x1f, 0x8b], what: "gzip" },
] as const;

/**
 * The owner of a submission under verification uploads one of its two files, as the raw request
 * body (the same wire format as a submission upload, lib/submissions/parse-upload-request.ts):
 *
 * - `code`: the training code as a .zip or .tar.gz, at most 50 MB, stored in the blob store under
 *   a generated key and never extracted or opened on the server beyond its first bytes (the
 *   organizers download it and read it on their own machines).
 * - `model`: the model that produced the submission, checked by the same inspector as a model
 *   submission (lib/models/inspect-model-bundle.ts) within MAX_MODEL_BYTES; a bare .onnx with its
 *   manifest beside it like a submission, so the rerun reads it the same way.
 *
 * Anyone but the owner, and a submission without a verification, gets "not found". Once the
 * outcome is final (verified, rejected) or while a rerun is pending, uploads are refused (409).
 * A new upload replaces the previous file of that part; once both parts are there the status is
 * "uploaded". Every refusal removes what was stored.
 */
export async function uploadVerificationFiles(options: {
  db: Db;
  userId: string;
  submissionId: string;
  query: unknown;
  stream: AsyncIterable<Uint8Array | string>;
  manifestJson?: string;
  store?: BlobStore;
  now?: Date;
}): Promise<WinnerVerification> {
  const { db, userId, submissionId } = options;
  const parsedQuery = VerificationUploadQuery.safeParse(options.query);
  if (!parsedQuery.success)
    throw new AppError("validation", { user: "The upload request is not valid.", details: zodDetails(parsedQuery.error) });
  const { part, fileName } = parsedQuery.data;
  const verification = await findOwnVerification(db, submissionId, userId);
  if (!UPLOADABLE_STATUSES.includes(verification.status as never)) throw notUploadable(verification.status);

  const store = options.store ?? getBlobStore({ db });
  const key = newBlobKey({ prefix: "verification", name: part === "code" ? "code" : "upload", now: options.now });
  const stored: string[] = [];
  try {
    let size: number;
    if (part === "code") {
      const archive = CODE_ARCHIVES.find((a) => a.ext.some((e) => fileName.toLowerCase().endsWith(e)));
      if (!archive)
        throw new AppError("validation", {
          user: "The code must be a .zip or .tar.gz archive.",
          details: [{ field: "fileName", message: "expected .zip, .tar.gz or .tgz" }],
        });
      const blob = await store.putBlob({ key, stream: options.stream, maxBytes: MAX_VERIFICATION_CODE_BYTES });
      stored.push(key);
      size = blob.size;
      const head = await readHead(store, key, 4);
      if (!archive.magic.every((b, i) => head[i] === b))
        throw new AppError("validation", {
          user: `This file is not a ${archive.what} archive, although its name ends in ${archive.ext[0]}.`,
        });
    } else {
      if (inferSubmissionKind(fileName) !== "model")
        throw new AppError("validation", {
          user: "The model must be a .zip bundle or a single .onnx file with its manifest, as for a model submission.",
        });
      if (options.manifestJson !== undefined && Buffer.byteLength(options.manifestJson) > MAX_MANIFEST_BYTES)
        throw new AppError("validation", { user: "The manifest may be at most 1 MB." });
      const maxBytes = env().MAX_MODEL_BYTES;
      const blob = await store.putBlob({ key, stream: options.stream, maxBytes });
      stored.push(key);
      size = blob.size;
      const inspected = await withBlobFile({ store, key }, (file) =>
        inspectModelBundle({ file, maxBytes, manifestJson: options.manifestJson }),
      );
      if (!inspected.ok)
        throw new AppError("validation", {
          user: `The model was not accepted: ${inspected.errors.length === 1 ? "1 problem" : `${inspected.errors.length} problems`} to fix.`,
          details: inspected.errors.map((message) => ({ message })),
        });
      if (options.manifestJson !== undefined) {
        await store.putBlob({ key: manifestKeyFor(key), buffer: Buffer.from(options.manifestJson), maxBytes: MAX_MANIFEST_BYTES });
        stored.push(manifestKeyFor(key));
      }
    }
    if (size === 0) throw new AppError("validation", { user: "The file is empty." });

    const now = options.now ?? new Date();
    const fields =
      part === "code"
        ? { codeFileKey: key, codeFileName: fileName, codeFileSize: size }
        : { modelFileKey: key, modelFileName: fileName, modelFileSize: size };
    const updated = await db.$transaction(async (tx) => {
      // Guarded: a rerun started or a rejection made while the bytes arrived wins.
      const { count } = await tx.winnerVerification.updateMany({
        where: { id: verification.id, status: { in: [...UPLOADABLE_STATUSES] } },
        data: fields,
      });
      if (count !== 1) throw notUploadable("changed");
      const row = await tx.winnerVerification.findUniqueOrThrow({ where: { id: verification.id } });
      if (row.codeFileKey && row.modelFileKey)
        return tx.winnerVerification.update({ where: { id: row.id }, data: { status: "uploaded", uploadedAt: now, outcome: "" } });
      return row;
    });
    stored.length = 0;
    // The replaced file of this part (best effort: an orphan blob costs disk, never correctness).
    const previous = part === "code" ? verification.codeFileKey : verification.modelFileKey;
    if (previous) for (const k of [previous, manifestKeyFor(previous)]) await store.deleteBlob(k).catch(() => {});
    return updated;
  } finally {
    await Promise.all(stored.map((k) => store.deleteBlob(k).catch(() => {})));
  }
}

/** The verification of one of the user's own submissions; anything else is "not found" (ids cannot be probed). */
export async function findOwnVerification(db: Db, submissionId: string, userId: string): Promise<WinnerVerification> {
  const row = await db.winnerVerification.findFirst({ where: { submissionId, submission: { userId } } });
  if (!row)
    throw new AppError("not-found", {
      user: "There is no verification request for this submission.",
      internal: `verification of ${submissionId} for ${userId}`,
    });
  return row;
}

function notUploadable(status: string): AppError {
  return new AppError("conflict", {
    user:
      status === "verified" || status === "rejected"
        ? "The verification is closed; nothing more can be uploaded."
        : "The organizers are rerunning your model; you can upload again once the rerun has finished.",
    internal: `verification status ${status}`,
  });
}

async function readHead(store: BlobStore, key: string, n: number): Promise<Buffer> {
  const stream = await store.openBlob(key);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const b = Buffer.from(chunk as Uint8Array);
      chunks.push(b);
      length += b.length;
      if (length >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}
