import { CLASSES, NA, SUBMISSION_CSV_HEADER, type Attribute } from "../challenge/definition";
import type { Prediction } from "../metrics/types";
import { ByteChecker, SNIFF_BYTES, sniffFileType } from "./check-csv-bytes";
import { CsvRecordSplitter, type SplitError } from "./parse-predictions-csv-splitter";

/*
 * Validates a participant's predictions CSV against the test ids, streaming.
 *
 * What is accepted (and why):
 * - UTF-8 with or without BOM (Excel's "CSV UTF-8" writes one), LF, CRLF or CR line ends,
 *   a missing final newline, blank lines anywhere (editors add them; they carry nothing).
 * - Values may be quoted; whitespace around a value is trimmed, inside quotes too.
 * - Labels are case-insensitive and normalised to lower case ("Female" is clearly female), by
 *   ASCII rules only: Unicode case folding would turn "blac\u212A" (Kelvin sign) into "black",
 *   so a label with any non-ASCII character is refused with its line instead.
 * - The header must name exactly Image_Id, Gender, Hair_Color, Hair_Type, in any order and any
 *   letter case: column order is bookkeeping, not a prediction.
 * - Image_Id is matched exactly; failing that, case-insensitively (a spreadsheet may have
 *   upper-cased it) and stored under the canonical id.
 *
 * What is refused: everything else, with the physical line number (1 = first line of the file,
 * counting blank lines and the lines inside multi-line quoted values) and a plain explanation.
 * Any error rejects the whole file: nothing is ever half-scored. Errors are returned as data;
 * only programming bugs throw.
 *
 * Bounded work: checking stops after MAX_REPORTED_ERRORS problems, or once the file has more
 * lines than the test set can explain (MAX_LINES_PER_TEST_IMAGE per image plus EXTRA_LINES), and
 * the result says where it stopped and that the rest was not checked. No step costs more than a
 * few microseconds per character or record, and the event loop gets a turn every
 * YIELD_AFTER_MS, so a hostile 20 MB file neither runs long nor stalls a web server.
 */

export const MAX_REPORTED_ERRORS = 50;
/**
 * Lines allowed per test image (header and blank lines included) before reading stops: 2, since
 * Python's csv module on Windows without newline="" writes "\r\r\n", a blank line after each row.
 */
export const MAX_LINES_PER_TEST_IMAGE = 2;
export const EXTRA_LINES = 1000;
/** Text is split in pieces of this many bytes, so stopping and yielding happen between pieces. */
const PIECE_BYTES = 64 * 1024;
/** Longest stretch of synchronous work before the event loop gets a turn (a web server shares it). */
const YIELD_AFTER_MS = 10;
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
  /**
   * `errors` lists at most MAX_REPORTED_ERRORS problems (+ the missing-ids summary). `unchecked`
   * is set when reading stopped before the end of the file: where and why the rest was not checked.
   */
  | { ok: false; errors: CsvProblem[]; unchecked?: CsvProblem };

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
  const splitter = new CsvRecordSplitter((record, line) => rows.onRecord(record, line), MAX_RECORD_CHARS);
  const bytes = new ByteChecker();
  // The byte checker has vouched for the UTF-8; a leading BOM is dropped by the decoder.
  const decoder = new TextDecoder("utf-8");
  const pacer = new Pacer();

  let total = 0;
  let head: Uint8Array | undefined = new Uint8Array(0);
  let fatal: CsvProblem | undefined;

  /** Checks and splits one chunk, piece by piece; false once reading should stop. */
  const feed = async (chunk: Uint8Array): Promise<boolean> => {
    const problem = bytes.check(chunk);
    if (problem) {
      fatal = problem;
      return false;
    }
    for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
      if (!splitter.push(decoder.decode(chunk.subarray(at, at + PIECE_BYTES), { stream: true }))) return false;
      await pacer.maybeYield();
    }
    return true;
  };

  const iterator = chunks(input);
  try {
    for await (const raw of iterator) {
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
    if (fatal === undefined && splitter.active) {
      if (head !== undefined && head.length > 0) {
        const sniffed = sniffFileType(head);
        if (sniffed) fatal = { line: 1, message: sniffed };
        else await feed(head);
      }
      if (fatal === undefined && splitter.active) {
        const problem = bytes.finish();
        if (problem) fatal = problem;
        else {
          splitter.push(decoder.decode());
          splitter.end();
        }
      }
    }
  } finally {
    // Stops and destroys a stream read only in part (a for-await break does the same).
    await iterator.return(undefined);
  }

  // File-level problems (size, encoding, binary) make row messages noise: report them alone.
  if (fatal) return fail([fatal]);
  if (splitter.error !== undefined) {
    rows.errors.add(splitter.error.line, splitErrorMessage(splitter.error));
    return rows.result({ complete: false, totalBytes: total, stoppedAt: splitter.error.line });
  }
  if (splitter.stopped) return rows.result({ complete: false, totalBytes: total, stoppedAt: rows.stoppedAt });
  return rows.result({ complete: true, totalBytes: total });
}

/**
 * Gives the event loop a turn after YIELD_AFTER_MS of work. setImmediate, not a resolved
 * promise: timers and sockets only run once the current macrotask ends.
 */
class Pacer {
  private since = performance.now();

  async maybeYield(): Promise<void> {
    if (performance.now() - this.since < YIELD_AFTER_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}

/** Turns a failed result into readable lines (CLI output, logs, plain-text e-mails). */
export function formatCsvProblems(result: { errors: CsvProblem[]; unchecked?: CsvProblem }): string[] {
  const all = result.unchecked ? [...result.errors, result.unchecked] : result.errors;
  return all.map((e) => (e.line === undefined ? e.message : `Line ${e.line}: ${e.message}`));
}

class ErrorList {
  readonly items: CsvProblem[] = [];

  /** Keeps at most MAX_REPORTED_ERRORS (a row with several problems may reach the cap midway). */
  add(line: number | undefined, message: string): void {
    if (this.items.length < MAX_REPORTED_ERRORS) this.items.push(line === undefined ? { message } : { line, message });
  }

  get full(): boolean {
    return this.items.length >= MAX_REPORTED_ERRORS;
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
  CLASSES.Hair_Color.flatMap((Hair_Color) => CLASSES.Hair_Type.map((Hair_Type) => Object.freeze({ Gender, Hair_Color, Hair_Type }))),
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
  /** Records read (header, rows and blank lines), against the line limit. */
  private records = 0;
  private readonly maxRecords: number;
  /** Why and where reading stopped early, once it has. */
  stoppedAt: number | undefined;
  private stopReason: "problems" | "lines" | undefined;
  private sawRecord = false;
  private columns: Record<(typeof SUBMISSION_CSV_HEADER)[number], number> | undefined;
  private headerFailed = false;
  private dataRows = 0;
  /** Where the next row's id is expected if the file follows the test set's order. */
  private nextPosition = 0;
  constructor(private readonly ids: IdIndex) {
    this.firstLine = new Int32Array(ids.list.length);
    this.predicted = new Int16Array(ids.list.length).fill(-1);
    this.maxRecords = ids.list.length * MAX_LINES_PER_TEST_IMAGE + EXTRA_LINES;
  }

  /** One record starting on physical line `line`; false when reading should stop. */
  onRecord(record: string[], line: number): boolean {
    if (++this.records > this.maxRecords) {
      this.stoppedAt = line;
      this.stopReason = "lines";
      this.errors.add(
        line,
        `The file has more lines than the ${plural(this.ids.list.length, "test image")} can explain ` +
          `(one header line and one row per image, with at most ${fmt(this.maxRecords)} lines in all counting blank ones).`,
      );
      return false;
    }
    if (record.length === 1 && asciiTrim(record[0]) === "") return true; // blank line
    if (!this.sawRecord) {
      this.sawRecord = true;
      this.readHeader(record, line);
    } else {
      // Without known columns, row messages would be guesses.
      if (this.headerFailed) return false;
      this.dataRows++;
      this.checkRow(record, line);
    }
    if (this.errors.full) {
      this.stoppedAt = line;
      this.stopReason = "problems";
      return false;
    }
    return true;
  }

  private readHeader(record: string[], line: number): void {
    const names = record.map((s) => asciiTrim(s.replace(/^\uFEFF/, "")));
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
      const h = canonical.get(asciiLower(name));
      if (h === undefined) extra.push(name === "" ? `an unnamed one (column ${i + 1})` : `${show(name)} (column ${i + 1})`);
      else if (columns[h] !== undefined) repeated.push(h);
      else columns[h] = i;
    });
    const missing = SUBMISSION_CSV_HEADER.filter((h) => columns[h] === undefined);

    const problems: string[] = [];
    if (missing.length > 0) problems.push(`it is missing ${listNames(missing)}`);
    if (extra.length > 0) {
      const pandas = names.some((n) => n === "" || /^unnamed: ?\d+$/i.test(n) || asciiLower(n) === "index");
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
    const idRaw = record.length > columns.Image_Id ? asciiTrim(record[columns.Image_Id]) : "";
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
    ids.lowerCase ??= new Map(ids.list.map((id, i) => [asciiLower(id), i]));
    return ids.lowerCase.get(asciiLower(raw));
  }

  result(options: { complete: boolean; totalBytes: number; stoppedAt?: number }): ParsePredictionsResult {
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
        errors.add(undefined, `The file has the header but no rows: expected ${plural(expected, "row")}, one per test image.`);
      } else {
        this.reportMissing();
      }
    }
    if (errors.items.length > 0) {
      const stop = options.complete || this.headerFailed ? undefined : options.stoppedAt;
      if (stop === undefined) return { ok: false, errors: errors.items };
      const why =
        this.stopReason === "problems"
          ? `Checking stopped after ${plural(errors.items.length, "problem")}, at line ${fmt(stop)}`
          : `Checking stopped at line ${fmt(stop)}`;
      return {
        ok: false,
        errors: errors.items,
        unchecked: { message: `${why}: the rest of the file was not checked. Fix these and upload it again.` },
      };
    }

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
      `${fmt(count)} of the ${plural(this.ids.list.length, "test image")} ${count === 1 ? "has" : "have"} no prediction ` +
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
 * case value costs no allocation or hashing), then trimmed and lower-cased by ASCII rules.
 */
function classOf(classes: readonly string[], raw: string): number {
  for (let i = 0; i < classes.length; i++) if (raw === classes[i]) return i;
  const value = asciiLower(asciiTrim(raw));
  for (let i = 0; i < classes.length; i++) if (value === classes[i]) return i;
  return -1;
}

function badLabelMessage(attr: Attribute, raw: string): string {
  const value = asciiTrim(raw);
  const allowed = CLASSES[attr].join(", ");
  if (value === "") return `${attr} is empty; expected one of ${allowed}.`;
  const foreign = NON_ASCII.exec(value);
  if (foreign) {
    const code = foreign[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    return (
      `${attr} ${show(value)} contains the non-ASCII character U+${code}; labels are plain ASCII letters, ` +
      `one of ${allowed} (a look-alike such as the Kelvin sign K is not accepted).`
    );
  }
  const lower = asciiLower(value);
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

function splitErrorMessage(error: SplitError): string {
  switch (error.code) {
    case "quote-not-closed":
      return `A quoted value starts on this line and its closing " is missing, so it runs to the end of the file.`;
    case "record-too-long":
      return `This row is longer than ${fmt(MAX_RECORD_CHARS)} characters; a row should be about 40. Most likely a " opens a quoted value that swallows the following lines.`;
    case "text-after-closing-quote":
      return `A quoted value is followed by other characters before the next comma (like "male"x). Quote whole values only.`;
    case "quote-in-unquoted-value":
      return `A " appears in the middle of an unquoted value. Remove it, or quote the whole value.`;
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

const NON_ASCII = /[^\x00-\x7f]/u;
const ASCII_BLANK = /^[ \t\r\n\f\v]+|[ \t\r\n\f\v]+$/g;

/**
 * Trims ASCII whitespace only. String.prototype.trim also drops Unicode blanks (no-break space,
 * U+2000..), which would make a label with invisible characters pass as a clean one.
 */
function asciiTrim(value: string): string {
  const n = value.length;
  if (n === 0 || (value.charCodeAt(0) > 0x20 && value.charCodeAt(n - 1) > 0x20)) return value;
  return value.replace(ASCII_BLANK, "");
}

/** Lower-cases A-Z only: toLowerCase maps the Kelvin sign U+212A to "k" and the like. */
function asciiLower(value: string): string {
  return value.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** "1 test image", "400 test images". */
function plural(n: number, noun: string): string {
  return `${fmt(n)} ${noun}${n === 1 ? "" : "s"}`;
}

function fail(errors: CsvProblem[]): ParsePredictionsResult {
  return { ok: false, errors };
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
