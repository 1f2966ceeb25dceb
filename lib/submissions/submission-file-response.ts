import { Readable } from "node:stream";
import { contentDisposition } from "./content-disposition";
import type { OpenedSubmissionFile } from "./open-submission-file";

/**
 * The download of an uploaded submission file, the same for its owner and for an organizer:
 * never sniffed or cached, saved under its original (sanitised) name.
 */
export function submissionFileResponse(file: OpenedSubmissionFile): Response {
  return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(file.size),
      "content-disposition": contentDisposition(file.fileName),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      // Hex SHA-256 as well, so a script can check what it got without hashing twice.
      "x-content-sha256": file.sha256,
    },
  });
}
