import { newBlobKey } from "../storage/blob-store";

/**
 * Blob keys of a submission's files. The upload is `submissions/<day>/<random>/upload`; a bare
 * .onnx upload's manifest (sent beside it) is kept next to it as `.../manifest.json`, so
 * rescoring needs nothing but Submission.fileKey.
 */
export function newSubmissionFileKey(now?: Date): string {
  return newBlobKey({ prefix: "submissions", name: "upload", now });
}

export function manifestKeyFor(fileKey: string): string {
  return `${fileKey.slice(0, fileKey.lastIndexOf("/"))}/manifest.json`;
}
