/*
 * The checks the submit form runs in the browser the moment a file is picked: only the cheap
 * ones that need no test ids or labels (type, size, emptiness, a CSV's header and row count).
 * The server repeats every one of them and does the rest; these only spare a participant an
 * upload that is bound to be refused. Pure: Blob APIs only, so Node tests can run it too.
 */
import { formatBytes } from "../format/format-bytes";
import { SUBMISSION_CSV_HEADER } from "../challenge/definition";
import { fileExtension, inferSubmissionKind, PREDICTIONS_CSV_HEADER } from "./create-submission-input";

export interface Problem {
  line?: number;
  field?: string;
  message: string;
}

export interface CheckUploadFileResult {
  problems: Problem[];
  /** Facts worth showing when all is well ("300 rows"). */
  notes: string[];
}

const WRONG_TYPE_HINTS: Record<string, string> = {
  ".xlsx": 'This is an Excel workbook: export it with "Save as" > "CSV UTF-8".',
  ".xls": 'This is an Excel workbook: export it with "Save as" > "CSV UTF-8".',
  ".gz": "Upload the uncompressed CSV.",
  ".txt": "Rename it to .csv if it is a predictions CSV.",
  ".pt": "Export PyTorch models to ONNX (torch.onnx.export) and upload the .onnx file.",
  ".pth": "Export PyTorch models to ONNX (torch.onnx.export) and upload the .onnx file.",
  ".h5": "Convert Keras models with tensorflowjs_converter, or export them to ONNX, and upload a .zip or .onnx.",
  ".keras": "Convert Keras models with tensorflowjs_converter, or export them to ONNX, and upload a .zip or .onnx.",
};

export async function checkUploadFile(options: {
  file: Blob & { name: string };
  testCount: number;
  maxCsvBytes: number;
  maxModelBytes: number;
}): Promise<CheckUploadFileResult> {
  const { file } = options;
  const kind = inferSubmissionKind(file.name);
  const ext = fileExtension(file.name);
  if (!kind) {
    const hint = WRONG_TYPE_HINTS[ext] ?? "";
    return {
      problems: [{ message: `Only .csv, .zip and .onnx files are accepted${ext ? ` (this is a ${ext} file)` : ""}. ${hint}`.trim() }],
      notes: [],
    };
  }
  if (file.size === 0) return { problems: [{ message: "The file is empty." }], notes: [] };
  const max = kind === "csv" ? options.maxCsvBytes : options.maxModelBytes;
  if (file.size > max) {
    const what = kind === "csv" ? "a predictions CSV" : "a model";
    return { problems: [{ message: `The file is ${formatBytes(file.size)}; the limit for ${what} is ${formatBytes(max)}.` }], notes: [] };
  }

  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const isZip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  if (ext === ".zip" && !isZip)
    return { problems: [{ message: "This file is not a zip archive, although its name ends in .zip." }], notes: [] };
  if (ext === ".onnx" && isZip)
    return { problems: [{ message: "This file is a zip archive: rename it to .zip (a zip must contain manifest.json)." }], notes: [] };
  if (kind === "model") return { problems: [], notes: [] };
  return checkCsv(file, head, isZip, options.testCount);
}

async function checkCsv(file: Blob, head: Uint8Array, isZip: boolean, testCount: number): Promise<CheckUploadFileResult> {
  if (isZip)
    return {
      problems: [{ message: 'This is a zip archive (an Excel .xlsx workbook is one), not a CSV text file. Export it as "CSV UTF-8".' }],
      notes: [],
    };
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || head.includes(0)) {
    return {
      problems: [{ line: 1, message: 'The file is not UTF-8 text (it looks like UTF-16 or a binary file). Save it as "CSV UTF-8".' }],
      notes: [],
    };
  }
  const text = await file.text();
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  const header = lines[0] ?? "";
  const problems: Problem[] = [];
  const fields = header.split(",").map((f) =>
    f
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim()
      .toLowerCase(),
  );
  const expected = SUBMISSION_CSV_HEADER.map((f) => f.toLowerCase());
  if (fields.length !== expected.length || [...fields].sort().join() !== [...expected].sort().join()) {
    problems.push({ line: 1, message: `The header is "${header.slice(0, 120)}"; expected ${PREDICTIONS_CSV_HEADER}.` });
  }
  // Blank lines are allowed anywhere (the server skips them); everything else is a row.
  const rows = lines.slice(1).filter((l) => l.trim() !== "").length;
  if (rows !== testCount) {
    problems.push({
      message: `The file has ${rows.toLocaleString("en")} data row${rows === 1 ? "" : "s"}; the test split has ${testCount.toLocaleString("en")} images, one row each.`,
    });
  }
  return { problems, notes: problems.length === 0 ? [`${rows.toLocaleString("en")} rows, header OK`] : [] };
}
