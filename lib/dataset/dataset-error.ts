/**
 * Errors of the dataset pipeline. The message is written for the organizer who runs
 * `npm run data -- prepare` (it names the file, line, column and value), and the code lets
 * callers (CLI exit codes, the organizer UI, tests) react without parsing that text.
 */

export type DatasetErrorCode =
  | "source-not-found" // the --source folder does not exist
  | "missing-csv" // Tiny_Portraits_Attributes.csv is absent
  | "bad-header" // the CSV header is not Image_Index,Gender,Hair_Color,Hair_Type
  | "csv-syntax" // the CSV cannot be parsed at all (unclosed quote ...)
  | "duplicate-index" // two CSV rows with the same Image_Index
  | "missing-images" // neither Tiny_Portraits_Images/ nor Tiny_Portraits_Zipfiles/*.zip
  | "invalid-zip" // a file named .zip is not a readable zip
  | "path-traversal" // a zip entry with ../ or an absolute path
  | "invalid-rows" // row-level problems in strict mode (all listed in `problems`)
  | "empty-dataset" // no usable row left
  | "has-submissions" // replacing a dataset that already has submissions, without force
  | "busy" // another prepare holds the lock
  | "no-dataset" // a reader asked for the prepared dataset but none is prepared
  | "corrupt-build"; // a prepared build's files disagree with its manifest

/** One row-level problem. Kept as data so the report can list them and tests can match codes. */
export interface DatasetProblem {
  code:
    | "bad-index"
    | "unknown-label"
    | "column-count"
    | "missing-image"
    | "duplicate-image"
    | "image-too-large"
    | "corrupt-image"
    | "wrong-size";
  message: string;
  /** CSV line (1 = header), when the problem comes from or maps to a CSV row. */
  line?: number;
  imageIndex?: number;
}

export class DatasetError extends Error {
  readonly code: DatasetErrorCode;
  readonly problems: readonly DatasetProblem[];

  constructor(code: DatasetErrorCode, message: string, problems: readonly DatasetProblem[] = []) {
    super(message);
    this.name = "DatasetError";
    this.code = code;
    this.problems = problems;
  }
}

/** How many problems a message lists before "... and N more" (the report keeps them all). */
export const MAX_LISTED_PROBLEMS = 50;

/** Formats a capped bullet list, e.g. for 200 problems: 50 lines and "... and 150 more". */
export function formatList(lines: readonly string[], max = MAX_LISTED_PROBLEMS): string {
  const shown = lines.slice(0, max).map((l) => `  - ${l}`);
  if (lines.length > max) shown.push(`  ... and ${lines.length - max} more`);
  return shown.join("\n");
}

export function isDatasetError(err: unknown, code?: DatasetErrorCode): err is DatasetError {
  return err instanceof DatasetError && (code === undefined || err.code === code);
}

/** The strict prepare's refusal: every problem listed by line, and how to go on. */
export function invalidRowsError(problems: readonly DatasetProblem[]): DatasetError {
  const sorted = [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || a.message.localeCompare(b.message));
  const n = sorted.length;
  return new DatasetError(
    "invalid-rows",
    `the source has ${n} problem${n === 1 ? "" : "s"}; nothing was changed. Fix ${n === 1 ? "it" : "them"}, or prepare with --skip-bad-rows to leave the bad rows out:\n${formatList(sorted.map((p) => p.message))}`,
    sorted,
  );
}

/** How many names a warning shows before "... (N more)". */
export const MAX_LISTED_NAMES = 10;

/** Names for a one-line warning: `a, b, c` or the first ten and `, ... (N more)`. */
export function listNames(names: readonly string[], max = MAX_LISTED_NAMES): string {
  const more = names.length > max ? `, ... (${names.length - max} more)` : "";
  return names.slice(0, max).join(", ") + more;
}
