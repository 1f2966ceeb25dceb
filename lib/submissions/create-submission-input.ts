/*
 * The fields of an upload, shared by createSubmission (server), the upload route (query
 * string) and the submit form (browser). Pure zod and the challenge definition only, so the
 * client bundle can import it without pulling in the database.
 */
import { z } from "zod";
import { SUBMISSION_CSV_HEADER } from "../challenge/definition";
import { SubmissionKind } from "../db/enums";

export const MAX_DESCRIPTION_CHARS = 1000;
export const MAX_FILE_NAME_CHARS = 255;
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** The tracks an upload can go to (lib/tracks); absent: attributes, as before tracks existed. */
export const UploadTrack = z.enum(["attributes", "generation"], { error: 'expected "attributes" or "generation"' });
export type UploadTrack = z.infer<typeof UploadTrack>;

/** The form fields of an upload (the file itself travels as a stream beside them). */
export const createSubmissionInputSchema = z.object({
  track: UploadTrack.default("attributes"),
  kind: SubmissionKind,
  /** Display only: never used in a path (blob keys are generated). */
  fileName: z.string().trim().min(1, "a file name is required").max(MAX_FILE_NAME_CHARS, "the file name is too long"),
  description: z
    .string()
    .trim()
    .max(MAX_DESCRIPTION_CHARS, `the description may be at most ${MAX_DESCRIPTION_CHARS} characters`)
    .default(""),
  /** manifest.json text, only for a bare .onnx model upload. */
  manifestJson: z.string().max(MAX_MANIFEST_BYTES, "the manifest may be at most 1 MB").optional(),
});
export type CreateSubmissionInput = z.input<typeof createSubmissionInputSchema>;

/** File extensions the platform accepts, and what each one is. */
export const ACCEPTED_EXTENSIONS = { ".csv": "csv", ".zip": "model", ".onnx": "model" } as const;
export type AcceptedExtension = keyof typeof ACCEPTED_EXTENSIONS;

export function fileExtension(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot === -1 ? "" : fileName.slice(dot).toLowerCase();
}

/**
 * Attributes track: csv for .csv, model for .zip/.onnx. Generation track: generator for .onnx;
 * a .zip is a generator or a zip of images, which only the uploader can say (undefined).
 * Undefined for anything else.
 */
export function inferSubmissionKind(fileName: string, track: UploadTrack = "attributes"): SubmissionKind | undefined {
  const ext = fileExtension(fileName);
  if (track === "generation") return ext === ".onnx" ? "generator" : undefined;
  return ext in ACCEPTED_EXTENSIONS ? ACCEPTED_EXTENSIONS[ext as AcceptedExtension] : undefined;
}

/** A bare .onnx file carries no manifest.json: one must be sent beside it. */
export function needsSeparateManifest(fileName: string): boolean {
  return fileExtension(fileName) === ".onnx";
}

export const PREDICTIONS_CSV_HEADER = SUBMISSION_CSV_HEADER.join(",");
