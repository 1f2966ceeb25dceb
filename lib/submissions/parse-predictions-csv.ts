import { CsvError, parse, type Parser } from "csv-parse";
import { CLASSES, NA, SUBMISSION_CSV_HEADER, type Attribute } from "../challenge/definition";
import type { Prediction } from "../metrics/types";
import { ByteChecker, SNIFF_BYTES, sniffFileType } from "./check-csv-bytes";

/*
 * Validates a participant's predictions CSV against the test ids, streaming.
 *
 * What is accepted (and why):
 * - UTF-8 with or without BOM (Excel's "CSV UTF-8" writes one), LF, CRLF or CR line ends,
 *   a missing final newline, blank lines anywhere (editors add them; they carry nothing).
 * - Values may be quoted; whitespace around a value is trimmed, inside quotes too.
 * - Labels are case-insensitive and normalised to lower case ("Female" is clearly female).
 * - The header must name exactly Image_Id, Gender, Hair_Color, Hair_Type, in any order and any
 *   letter case: column order is bookkeeping, not a prediction.
 * - Image_Id is matched exactly; failing that, case-insensitively (a spreadsheet may have
 *   upper-cased it) and stored under the canonical id.
 *
 * What is refused: everything else, with the physical line number (1 = first line of the file,
 * counting blank lines and the lines inside multi-line quoted values) and a plain explanation.
 * Any error rejects the whole file: nothing is ever half-scored. Errors are returned as data;
 * only programming bugs throw.
 */

export const MAX_REPORTED_ERRORS = 50;
/** How many missing ids the "missing" message lists as examples. */
const MISSING_EXAMPLES = 5;
/** A valid row is ~40 characters; a far longer one means a stray quote swallowed lines. */
const MAX_RECORD_CHARS = 10_000;

export interface CsvProblem {
  /** Physical line, 1-based; absent for whole-file problems (missing ids, empty file). */
  line?: number;
  message: string;
}

export type ParsePredictionsResult =
  /**
   * `predictions` has exactly the expected ids, in the test set's order; its values are shared
   * frozen objects. `rows` is the number of data rows (equal to the number of test ids).
   */
  | { ok: true; predictions: Map<string, Prediction>; rows: number }
  /** `errors` lists at most MAX_REPORTED_ERRORS line errors (+ the missing-ids summary); `truncated` counts the rest. */
  | { ok: false; errors: CsvProblem[]; truncated: number };

/** A Buffer, or any byte stream (Node Readable, async generator; wrap a web stream with Readable.fromWeb). */
export type PredictionsCsvInput = Uint8Array | AsyncIterable<Uint8Array | string>;

export interface ParsePredictionsCsvOptions {
  input: PredictionsCsvInput;
  /**
   * The test set's Image_Ids, unique. Treated as immutable: each array or Set object is indexed
   * once and the index reused by later calls with the same object.
   */
  expectedIds: readonly string[] | ReadonlySet<string>;
  maxBytes: number;
}

/** Spellings of "unknown" that deserve the n/a explanation rather than "unknown label". */
const UNKNOWN_SPELLINGS = new Set([NA, "na", "nan", "none", "null", "unknown", "?"]);
const HEADER_TEXT = SUBMISSION_CSV_HEADER.join(",");
// Module-local copies for the per-row path: imported bindings become property getters once
// compiled to CommonJS or bundled, and a getter call per row is measurable at 27k rows.
const COLUMN_COUNT = SUBMISSION_CSV_HEADER.length;
const QUOTE = 0x22;

/**
 * Reads and validates a predictions CSV. On success every expected id has exactly one
 * prediction. A stream input is consumed only up to `maxBytes` (plus one chunk) and is
 * destroyed if reading stops early. A stream that fails (client gone) rejects with its error:
 * that is an I/O failure, not a problem with the file.
 */
export async function parsePredictionsCsv(options: ParsePredictionsCsvOptions): Promise<ParsePredictionsResult> {
  const { input, maxBytes } = options;
  const ids = idIndexOf(options.expectedIds);

  // A Buffer's size is known up front: refuse before reading a byte of it.
  if (input instanceof Uint8Array && input.length > maxBytes) {
    return fail([{ message: tooLargeMessage(input.length, maxBytes, true) }]);
  }

  const rows = new RowValidator(ids);
  const bytes = new ByteChecker();
  const parser = parse({
    bom: true,
    trim: true,
    relax_column_count: true, // we report column counts ourselves, with the line
    skip_empty_lines: false, // blank lines come through as [""] so our line count stays exact
    max_record_size: MAX_RECORD_CHARS,
    // No on_record/info: csv-parse builds a context object per record for them, which
    // doubled the parse time (bench/scoring-csv.ts). We count lines ourselves instead.
  });
  let bug: unknown;
  parser.on("data", (record: string[]) => {
    // A throw here would surface inside csv-parse or as an uncaught exception; keep it for later.
    if (bug !== undefined) return;
    try {
      rows.onRecord(record);
    } catch (err) {
      bug = err;
    }
  });
  parser.on("error", () => {}); // errors are awaited through write/end callbacks below

  let total = 0;
  let head: Uint8Array | undefined = new Uint8Array(0);
  let fatal: CsvProblem | undefined;
  let parseError: unknown;

  const feed = async (chunk: Uint8Array): Promise<boolean> => {
    const problem = bytes.check(chunk);
    if (problem) {
      fatal = problem;
      return false;
    }
    // Only a quoted value can hold a line break; until a quote shows up, skip looking for one.
    if (!rows.quotesSeen && chunk.indexOf(QUOTE) !== -1) rows.quotesSeen = true;
    parseError = await write(parser, chunk);
    return parseError === undefined;
  };

  try {
    for await (const raw of chunks(input)) {
      total += raw.length;
      if (total > maxBytes) {
        fatal = { message: tooLargeMessage(total, maxBytes, false) };
        break;
      }
      let chunk = raw;
      if (head !== undefined) {
        // Hold the first bytes back until the file type can be recognised.
        head = concat(head, raw);
        if (head.length < SNIFF_BYTES) continue;
        chunk = head;
        head = undefined;
        const sniffed = sniffFileType(chunk);
        if (sniffed) {
          fatal = { line: 1, message: sniffed };
          break;
        }
      }
      if (!(await feed(chunk))) break;
    }
    if (fatal === undefined && parseError === undefined) {
      if (head !== undefined && head.length > 0) {
        const sniffed = sniffFileType(head);
        if (sniffed) fatal = { line: 1, message: sniffed };
        else await feed(head);
      }
      if (fatal === undefined && parseError === undefined) {
        const problem = bytes.finish();
        if (problem) fatal = problem;
        else parseError = await end(parser);
      }
    }
    // Records parsed before an error may still be queued for delivery: let them arrive first.
    if (parseError !== undefined) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    if (!parser.destroyed) parser.destroy();
  }

  if (bug !== undefined) throw bug;
  // File-level problems (size, encoding, binary) make row messages noise: report them alone.
  if (fatal) return fail([fatal]);
  if (parseError !== undefined) {
    if (!(parseError instanceof CsvError)) throw parseError;
    rows.errors.add(rows.lineOfParseError(parseError), parseErrorMessage(parseError));
    return rows.result({ complete: false, totalBytes: total });
  }
  return rows.result({ complete: true, totalBytes: total });
}

/** Turns a failed result into readable lines (CLI output, logs, plain-text e-mails). */
export function formatCsvProblems(result: { errors: CsvProblem[]; truncated: number }): string[] {
  const lines = result.errors.map((e) => (e.line === undefined ? e.message : `Line ${e.line}: ${e.message}`));
  if (result.truncated > 0) lines.push(`... and ${result.truncated.toLocaleString("en-US")} more errors.`);
  return lines;
}

class ErrorList {
  readonly items: CsvProblem[] = [];
  truncated = 0;

  add(line: number | undefined, message: string): void {
    if (this.items.length < MAX_REPORTED_ERRORS) this.items.push(line === undefined ? { message } : { line, message });
    else this.truncated++;
  }
}

/** The test ids with a position each, so per-row bookkeeping is typed arrays, not Maps. */
interface IdIndex {
  list: readonly string[];
  position: Map<string, number>;
  /** lower-case id -> position, built on the first miss only. */
  lowerCase?: Map<string, number>;
}

/**
 * Built once per expectedIds object and reused (a worker scores many files against the same
 * test set; building it is ~2 ms of the budget). The object is treated as immutable; a size
 * change is noticed and rebuilds the index.
 */
const ID_INDEXES = new WeakMap<object, IdIndex>();

function idIndexOf(expectedIds: readonly string[] | ReadonlySet<string>): IdIndex {
  const size = "size" in expectedIds ? expectedIds.size : expectedIds.length;
  const cached = ID_INDEXES.get(expectedIds);
  if (cached && cached.list.length === size) return cached;
  const list = [...expectedIds];
  const position = new Map<string, number>();
  for (let i = 0; i < list.length; i++) position.set(list[i], i);
  if (position.size !== list.length) throw new Error("expectedIds contains duplicate ids");
  const index: IdIndex = { list, position };
  ID_INDEXES.set(expectedIds, index);
  return index;
}

/**
 * The 2 x 5 x 3 possible predictions as shared frozen objects: the result map then allocates
 * nothing per row, and nobody can change a validated prediction by accident.
 */
const K_COLOR = CLASSES.Hair_Color.length;
const K_TYPE = CLASSES.Hair_Type.length;
const PREDICTION_TABLE: readonly Prediction[] = CLASSES.Gender.flatMap((Gender) =>
  CLASSES.Hair_Color.flatMap((Hair_Color) =>
    CLASSES.Hair_Type.map((Hair_Type) => Object.freeze({ Gender, Hair_Color, Hair_Type })),
  ),
);
const GENDERS: readonly string[] = CLASSES.Gender;
const COLORS: readonly string[] = CLASSES.Hair_Color;
const TYPES: readonly string[] = CLASSES.Hair_Type;

class RowValidator {
  readonly errors = new ErrorList();
  /** Line on which each test id was first seen, valid row or not (0 = not seen). */
  private readonly firstLine: Int32Array;
  /** PREDICTION_TABLE index per test id, -1 until a fully valid row gives one. */
  private readonly predicted: Int16Array;
  private seenIds = 0;
  /** Physical line where the next record starts. */
  private line = 1;
  /**
   * csv-parse's own line counter minus ours. Inside a quoted value it counts CR and LF as a
   * line each, so every CRLF there adds one; its error positions are corrected by this.
   */
  private drift = 0;
  private sawRecord = false;
  private columns: Record<(typeof SUBMISSION_CSV_HEADER)[number], number> | undefined;
  private headerFailed = false;
  private dataRows = 0;
  /** Where the next row's id is expected if the file follows the test set's order. */
  private nextPosition = 0;
  /** Set before csv-parse sees the first chunk holding a `"`. */
  quotesSeen = false;

  constructor(private readonly ids: IdIndex) {
    this.firstLine = new Int32Array(ids.list.length);
    this.predicted = new Int16Array(ids.list.length).fill(-1);
  }

  onRecord(record: string[]): void {
    const start = this.line;
    if (this.quotesSeen) {
      const breaks = lineBreaksIn(record);
      this.line = start + breaks.lines + 1;
      this.drift += breaks.crlf;
    } else {
      this.line = start + 1;
    }

    if (record.length === 1 && record[0].trim() === "") return; // blank line
    if (!this.sawRecord) {
      this.sawRecord = true;
      this.readHeader(record, start);
      return;
    }
    if (this.headerFailed) return; // without known columns, row messages would be guesses
    this.dataRows++;
    this.checkRow(record, start);
  }

  private readHeader(record: string[], line: number): void {
    const names = record.map((s) => s.trim().replace(/^\uFEFF/, ""));
    const reject = (message: string) => {
      this.errors.add(line, message);
      this.headerFailed = true;
    };

    if (names.length === 1) {
      const sep = [";", "\t", "|"].find((s) => names[0].includes(s));
      if (sep) {
        const shown = sep === "\t" ? "tabs" : `"${sep}"`;
        return reject(`The columns are separated by ${shown}; use commas. The first line must be ${HEADER_TEXT}.`);
      }
    }
    if (this.position(names[0]) !== undefined) {
      return reject(`The first line looks like a data row, not the header. The file must start with the line ${HEADER_TEXT}.`);
    }

    const canonical = new Map(SUBMISSION_CSV_HEADER.map((h) => [h.toLowerCase(), h]));
    const columns: Partial<Record<(typeof SUBMISSION_CSV_HEADER)[number], number>> = {};
    const extra: string[] = [];
    const repeated: string[] = [];
    names.forEach((name, i) => {
      const h = canonical.get(name.toLowerCase());
      if (h === undefined) extra.push(name === "" ? `an unnamed one (column ${i + 1})` : `${show(name)} (column ${i + 1})`);
      else if (columns[h] !== undefined) repeated.push(h);
      else columns[h] = i;
    });
    const missing = SUBMISSION_CSV_HEADER.filter((h) => columns[h] === undefined);

    const problems: string[] = [];
    if (missing.length > 0) problems.push(`it is missing ${listNames(missing)}`);
    if (extra.length > 0) {
      const pandas = names.some((n) => n === "" || /^unnamed: ?\d+$/i.test(n) || n.toLowerCase() === "index");
      problems.push(
        `it has ${extra.length === 1 ? "an extra column" : "extra columns"}: ${extra.join(", ")}` +
          (pandas ? " (pandas writes its row index as an extra column: save with to_csv(path, index=False))" : ""),
      );
    }
    if (repeated.length > 0) problems.push(`${listNames(repeated)} ${repeated.length === 1 ? "appears" : "appear"} more than once`);
    if (problems.length > 0) {
      return reject(`The header must have exactly the columns ${HEADER_TEXT} (any order), but ${problems.join("; ")}.`);
    }
    this.columns = columns as Record<(typeof SUBMISSION_CSV_HEADER)[number], number>;
  }

  private checkRow(record: string[], line: number): void {
    const columns = this.columns!;
    const idRaw = record.length > columns.Image_Id ? record[columns.Image_Id].trim() : "";
    const pos = idRaw === "" ? undefined : this.position(idRaw);

    if (record.length !== COLUMN_COUNT) {
      this.errors.add(
        line,
        `Found ${record.length} ${record.length === 1 ? "value" : "values"}, expected ${COLUMN_COUNT} (${HEADER_TEXT}).`,
      );
      // Still note the id, so the row is not reported a second time as "missing".
      if (pos !== undefined && this.firstLine[pos] === 0) this.markSeen(pos, line);
      return;
    }

    let ok = true;
    if (idRaw === "") {
      this.errors.add(line, "Image_Id is empty.");
      ok = false;
    } else if (pos === undefined) {
      this.errors.add(line, unknownIdMessage(idRaw));
      ok = false;
    } else if (this.firstLine[pos] !== 0) {
      this.errors.add(line, `Image_Id ${show(this.ids.list[pos])} appears more than once (first on line ${this.firstLine[pos]}).`);
      ok = false;
    } else {
      this.markSeen(pos, line);
    }

    const g = classOf(GENDERS, record[columns.Gender]);
    const c = classOf(COLORS, record[columns.Hair_Color]);
    const t = classOf(TYPES, record[columns.Hair_Type]);
    if (g < 0) this.errors.add(line, badLabelMessage("Gender", record[columns.Gender]));
    if (c < 0) this.errors.add(line, badLabelMessage("Hair_Color", record[columns.Hair_Color]));
    if (t < 0) this.errors.add(line, badLabelMessage("Hair_Type", record[columns.Hair_Type]));
    if (ok && g >= 0 && c >= 0 && t >= 0) this.predicted[pos!] = (g * K_COLOR + c) * K_TYPE + t;
  }

  private markSeen(pos: number, line: number): void {
    this.firstLine[pos] = line;
    this.seenIds++;
  }

  private position(raw: string): number | undefined {
    // Most files keep the sample submission's order, so first try the id after the previous
    // row's: a sequential string compare instead of a hash lookup that misses the CPU cache
    // (the lookups were a quarter of the validation time on shuffled files).
    const next = this.nextPosition;
    if (next < this.ids.list.length && this.ids.list[next] === raw) {
      this.nextPosition = next + 1;
      return next;
    }
    const exact = this.ids.position.get(raw);
    if (exact !== undefined) {
      this.nextPosition = exact + 1;
      return exact;
    }
    // Built only on a miss: the common, well-formed file never pays for it.
    const ids = this.ids;
    ids.lowerCase ??= new Map(ids.list.map((id, i) => [id.toLowerCase(), i]));
    return ids.lowerCase.get(raw.toLowerCase());
  }

  /** csv-parse reports where it noticed the problem; an unclosed quote is best shown where it opened. */
  lineOfParseError(err: CsvError): number {
    if (err.code === "CSV_QUOTE_NOT_CLOSED" || err.code === "CSV_MAX_RECORD_SIZE") return this.line;
    const reported = (err as CsvError & { lines?: number }).lines;
    return typeof reported === "number" ? Math.max(this.line, reported - this.drift) : this.line;
  }

  result(options: { complete: boolean; totalBytes: number }): ParsePredictionsResult {
    const { errors } = this;
    const expected = this.ids.list.length;
    if (options.complete && !this.headerFailed) {
      if (!this.sawRecord) {
        errors.add(
          undefined,
          options.totalBytes === 0
            ? `The file is empty. It must start with the header ${HEADER_TEXT} and have one row per test image.`
            : `The file contains only blank lines. It must start with the header ${HEADER_TEXT} and have one row per test image.`,
        );
      } else if (this.dataRows === 0) {
        errors.add(undefined, `The file has the header but no rows: expected ${fmt(expected)} rows, one per test image.`);
      } else {
        this.reportMissing();
      }
    }
    if (errors.items.length > 0) return { ok: false, errors: errors.items, truncated: errors.truncated };

    // Valid: every id has a prediction. The map follows the test set's order, not the file's.
    const predictions = new Map<string, Prediction>();
    for (let i = 0; i < expected; i++) predictions.set(this.ids.list[i], PREDICTION_TABLE[this.predicted[i]]);
    return { ok: true, predictions, rows: this.dataRows };
  }

  private reportMissing(): void {
    const count = this.ids.list.length - this.seenIds;
    if (count === 0) return;
    const examples: string[] = [];
    for (let i = 0; i < this.ids.list.length && examples.length < MISSING_EXAMPLES; i++) {
      if (this.firstLine[i] === 0) examples.push(this.ids.list[i]);
    }
    let message =
      `${fmt(count)} of the ${fmt(this.ids.list.length)} test images have no prediction ` +
      `(for example ${examples.join(", ")}${count > examples.length ? ", ..." : ""}); ` +
      `the file must have exactly one row per test image.`;
    if (this.seenIds === 0) {
      message += " None of its Image_Ids belong to the test set: take the ids from the current sample submission.";
    }
    // The summary goes past the cap on purpose: when 50 row errors fill the list, "what is
    // missing" is still the most useful line of the report.
    this.errors.items.push({ message });
  }
}

/**
 * Index of a value in a class list, or -1. Direct comparison first (the usual, already lower
 * case value costs no allocation or hashing), then trimmed and lower-cased.
 */
function classOf(classes: readonly string[], raw: string): number {
  for (let i = 0; i < classes.length; i++) if (raw === classes[i]) return i;
  const value = raw.trim().toLowerCase();
  for (let i = 0; i < classes.length; i++) if (value === classes[i]) return i;
  return -1;
}

function badLabelMessage(attr: Attribute, raw: string): string {
  const value = raw.trim();
  const allowed = CLASSES[attr].join(", ");
  if (value === "") return `${attr} is empty; expected one of ${allowed}.`;
  const lower = value.toLowerCase();
  if (UNKNOWN_SPELLINGS.has(lower)) {
    return (
      `${attr} is ${show(value)}, but n/a is not a valid prediction: give every test image one of ${allowed}. ` +
      `(Images whose true ${attr} is unknown are simply not scored for it.)`
    );
  }
  if (/^-?\d+(\.\d+)?$/.test(value)) {
    return `${attr} is ${show(value)}: use the class names (${allowed}), not numbers or class indices.`;
  }
  return `${attr} ${show(value)} is not a valid label; expected one of ${allowed}.`;
}

function unknownIdMessage(id: string): string {
  const hint =
    /^\d+$/.test(id) || /\.png$/i.test(id)
      ? " Test images are named by the opaque Image_Id from the sample submission, not by file number or Image_Index."
      : "";
  return `Image_Id ${show(id)} is not in the test set.${hint}`;
}

function parseErrorMessage(err: CsvError): string {
  const rest = " The rest of the file was not checked.";
  switch (err.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `A quoted value starts on this line and its closing " is missing, so it runs to the end of the file.${rest}`;
    case "CSV_MAX_RECORD_SIZE":
      return `This row is longer than ${fmt(MAX_RECORD_CHARS)} characters; a row should be about 40. Most likely a " opens a quoted value that swallows the following lines.${rest}`;
    case "CSV_INVALID_CLOSING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return `A quoted value is followed by other characters before the next comma (like "male"x). Quote whole values only.${rest}`;
    case "INVALID_OPENING_QUOTE":
      return `A " appears in the middle of an unquoted value. Remove it, or quote the whole value.${rest}`;
    default:
      return `The line cannot be read as CSV (${err.message}).${rest}`;
  }
}

function tooLargeMessage(size: number, limit: number, exact: boolean): string {
  const sizeText = exact ? `it is ${bytesText(size)}` : `reading stopped after ${bytesText(size)}`;
  return `The file is over the size limit of ${bytesText(limit)}: ${sizeText}. A predictions CSV takes about 40 bytes per row: check that you are uploading the right file.`;
}

function bytesText(n: number): string {
  if (n < 1000) return `${n} bytes`;
  const unit = n < 1_000_000 ? ["kB", 1e3] : ["MB", 1e6];
  return `${(n / (unit[1] as number)).toFixed(1)} ${unit[0]} (${fmt(n)} bytes)`;
}

/** Quotes a participant's value for a message: control characters visible, length bounded. */
function show(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
}

function listNames(names: readonly string[]): string {
  return names.length === 1 ? `the column ${names[0]}` : `the columns ${names.join(", ")}`;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** Line breaks inside the values of a record (CRLF, LF and CR each count once), and how many were CRLF. */
function lineBreaksIn(record: string[]): { lines: number; crlf: number } {
  let lines = 0;
  let crlf = 0;
  for (const field of record) {
    if (field.indexOf("\n") === -1 && field.indexOf("\r") === -1) continue;
    for (let i = 0; i < field.length; i++) {
      const c = field.charCodeAt(i);
      if (c === 10) lines++;
      else if (c === 13) {
        lines++;
        if (field.charCodeAt(i + 1) === 10) {
          crlf++;
          i++;
        }
      }
    }
  }
  return lines === 0 ? NO_BREAKS : { lines, crlf };
}
const NO_BREAKS = Object.freeze({ lines: 0, crlf: 0 });

function fail(errors: CsvProblem[]): ParsePredictionsResult {
  return { ok: false, errors, truncated: 0 };
}

async function* chunks(input: PredictionsCsvInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    yield input;
    return;
  }
  for await (const c of input) yield typeof c === "string" ? Buffer.from(c, "utf8") : c;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Resolves with csv-parse's error for this chunk, if any (errors are data here, not events). */
function write(parser: Parser, chunk: Uint8Array): Promise<unknown> {
  return new Promise((resolve) => {
    parser.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), (err) => resolve(err ?? undefined));
  });
}

function end(parser: Parser): Promise<unknown> {
  return new Promise((resolve) => {
    parser.once("error", (err) => resolve(err));
    parser.once("end", () => resolve(undefined));
    parser.end();
  });
}
