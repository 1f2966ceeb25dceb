import { z } from "zod";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { formatBytes } from "../format/format-bytes";
import { fileExtension, inferSubmissionKind, MAX_MANIFEST_BYTES, UploadTrack, type CreateSubmissionInput } from "./create-submission-input";

/**
 * The upload API's wire format (POST /api/submissions): the file is the raw request body, so it
 * can be streamed into the blob store with a byte cap (a multipart form would have to be
 * parsed, and `request.formData()` buffers all of it). The small fields travel beside it:
 *
 *   ?fileName=preds.csv&kind=csv&description=...      kind may be left out: it follows the extension
 *   ?track=generation&fileName=gen.zip&kind=generator  the generation track (default: attributes);
 *                                                      a .zip there needs kind=generator or kind=images
 *   X-Submission-Manifest: <base64 of manifest.json>  only for a bare .onnx model
 *
 * The manifest is a header rather than a query field because it is JSON of a kilobyte or two,
 * which base64 carries without escaping worries; headers are capped by the HTTP server (16 KB
 * in Node), which a real manifest never approaches. A bigger one goes in a zip with the model.
 */
export const MANIFEST_HEADER = "x-submission-manifest";

const uploadQuerySchema = z.object({
  fileName: z.string({ error: "a file name is required (?fileName=...)" }),
  track: UploadTrack.optional(),
  kind: z
    .enum(["csv", "model", "generator", "images"], {
      error: 'expected "csv" or "model" (attributes track), "generator" or "images" (generation track)',
    })
    .optional(),
  description: z.string().optional(),
});

export interface ParsedUploadRequest {
  input: CreateSubmissionInput;
  /** The byte limit for this kind of upload. */
  maxBytes: number;
}

/**
 * Reads the fields of an upload request and refuses, before a byte of the body is read, one
 * whose declared Content-Length is over the limit (413 stating the limit). A body without a
 * Content-Length, or with a false one, is cut off by the blob store as it streams.
 */
export function parseUploadRequest(options: {
  searchParams: URLSearchParams;
  headers: Headers;
  limits: { maxCsvBytes: number; maxModelBytes: number };
}): ParsedUploadRequest {
  const { searchParams, headers, limits } = options;
  const query = uploadQuerySchema.safeParse(Object.fromEntries(searchParams));
  if (!query.success) throw new AppError("validation", { user: "The upload request is not valid.", details: zodDetails(query.error) });
  const track = query.data.track ?? "attributes";
  const kind = query.data.kind ?? inferSubmissionKind(query.data.fileName, track);
  if (!kind && track === "generation") {
    throw new AppError("validation", {
      user:
        fileExtension(query.data.fileName) === ".zip"
          ? "Say what the zip holds: kind=generator (manifest.json and the .onnx model) or kind=images (the generated PNGs)."
          : "Upload a generator as a .zip (manifest.json and model.onnx) or a single .onnx, or the generated images as a .zip of PNGs.",
      details: [{ field: "kind", message: 'expected "generator" or "images"' }],
    });
  }
  if (!kind) {
    throw new AppError("validation", {
      user: "Upload a predictions .csv file, or a model as a .zip or a single .onnx file.",
      details: [{ field: "fileName", message: "expected a .csv, .zip or .onnx file" }],
    });
  }

  const maxBytes = kind === "csv" ? limits.maxCsvBytes : limits.maxModelBytes;
  const declared = headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    const what = kind === "csv" ? "a predictions CSV" : "a model";
    throw new AppError("too-large", {
      user: `The file is ${formatBytes(Number(declared))}; the limit for ${what} is ${formatBytes(maxBytes)}.`,
      internal: `declared content-length ${declared} over ${maxBytes}`,
    });
  }

  let manifestJson: string | undefined;
  const encoded = headers.get(MANIFEST_HEADER);
  if (encoded !== null && encoded.trim() !== "") {
    // Base64 letters only (standard or URL-safe), so a stray plain-JSON header is reported, not misread.
    if (encoded.length > (MAX_MANIFEST_BYTES * 4) / 3 + 4 || !/^[A-Za-z0-9+/_-]+=*$/.test(encoded.trim())) {
      throw new AppError("validation", {
        user: "The manifest could not be read.",
        details: [{ field: "manifestJson", message: `send the manifest JSON base64-encoded in the ${MANIFEST_HEADER} header` }],
      });
    }
    manifestJson = Buffer.from(encoded.trim(), "base64").toString("utf8");
  }
  return { input: { track, kind, fileName: query.data.fileName, description: query.data.description, manifestJson }, maxBytes };
}
