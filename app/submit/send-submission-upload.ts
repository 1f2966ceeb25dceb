import type { Problem } from "@/lib/submissions/check-upload-file";

export type UploadStep = { step: "idle" } | { step: "uploading"; fraction: number } | { step: "checking" };

export interface UploadServerError {
  message: string;
  details?: Problem[];
}

/**
 * A manifest typed on the form, as the `x-submission-manifest` header wants it (base64 of its
 * UTF-8 bytes: btoa alone only takes Latin-1), or the problem when it is not JSON.
 */
export function encodeManifestHeader(text: string): { header: string } | { problem: Problem } {
  try {
    JSON.parse(text);
  } catch (e) {
    return { problem: { message: `The manifest is not valid JSON: ${(e as Error).message}` } };
  }
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return { header: btoa(binary) };
}

/**
 * Sends a submission file as the raw body of POST /api/submissions?<query> with XMLHttpRequest,
 * the one browser API that reports upload progress. `onStep` follows the upload (uploading with
 * its fraction, then checking while the server reads it); a 201 with a submission calls
 * `onCreated` with its id; anything else calls `onFailed` with the HTTP status (0 for a network
 * error) and the server's error, or a generic message when the body is not our JSON (a proxy's
 * HTML page) or the connection broke.
 */
export function sendSubmissionUpload(options: {
  query: URLSearchParams;
  file: File;
  contentType: string;
  manifestHeader?: string;
  onStep: (step: UploadStep) => void;
  onCreated: (submissionId: string) => void;
  onFailed: (status: number, error: UploadServerError) => void;
}): void {
  const { onStep } = options;
  const xhr = new XMLHttpRequest();
  xhr.open("POST", `/api/submissions?${options.query}`);
  xhr.setRequestHeader("content-type", options.contentType);
  if (options.manifestHeader) xhr.setRequestHeader("x-submission-manifest", options.manifestHeader);
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) onStep(e.loaded >= e.total ? { step: "checking" } : { step: "uploading", fraction: e.loaded / e.total });
  };
  xhr.upload.onload = () => onStep({ step: "checking" });
  xhr.onload = () => {
    let body: { submission?: { id: string }; error?: UploadServerError } = {};
    try {
      body = JSON.parse(xhr.responseText);
    } catch {
      // A proxy's HTML error page: the generic message below.
    }
    if (xhr.status === 201 && body.submission) {
      options.onCreated(body.submission.id);
      return;
    }
    onStep({ step: "idle" });
    options.onFailed(xhr.status, body.error ?? { message: `The upload failed (HTTP ${xhr.status}). Please try again.` });
  };
  xhr.onerror = () => {
    onStep({ step: "idle" });
    options.onFailed(0, {
      message: "The upload was interrupted (network error, or the server stopped reading an over-limit file). Please try again.",
    });
  };
  onStep({ step: "uploading", fraction: 0 });
  xhr.send(options.file);
}
