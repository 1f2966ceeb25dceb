import { Readable } from "node:stream";
import { contentDisposition } from "./content-disposition";

/**
 * The download of an uploaded file, the same for its owner and for an organizer: a submission's
 * file, or the code archive of a winner verification. Never sniffed or cached, saved under its
 * original (sanitised) name; with `sha256` (submissions) the hash is sent as well.
 */
export function submissionFileResponse(file: { stream: Readable; size: number; fileName: string; sha256?: string }): Response {
  return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(file.size),
      "content-disposition": contentDisposition(file.fileName),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      // Hex SHA-256 as well, so a script can check what it got without hashing twice.
      ...(file.sha256 ? { "x-content-sha256": file.sha256 } : {}),
    },
  });
}
