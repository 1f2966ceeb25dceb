/*
 * Splits the decoded text of a predictions CSV into records, streaming, with the physical line
 * each record starts on. Hand-written instead of csv-parse: csv-parse builds an Error (stack
 * trace, JSON copies of its state) for every record whose field count differs from the first
 * one, even with relax_column_count, so blank lines and short rows cost 20-45 µs each and a
 * 20 MB file of them ran for minutes (docs/decisions/0007-hand-written-csv-splitter.md).
 *
 * The dialect (RFC 4180 plus what spreadsheets and pandas write): comma-separated; LF, CRLF or
 * CR line ends, mixed too; values may be quoted with `"`, `""` inside quotes is one quote, and
 * quoted values may span lines; spaces and tabs around a quoted value are allowed. Unquoted
 * values are returned untrimmed (callers trim). A `"` inside an unquoted value, or other
 * characters after a closing quote, stop the split with an error: guessing would shift columns.
 *
 * Cost: one pass over the characters, one string per field; nothing is allocated per problem.
 * The caller can stop at any record (`onRecord` returns false).
 */

export type SplitErrorCode = "quote-not-closed" | "record-too-long" | "text-after-closing-quote" | "quote-in-unquoted-value";

export interface SplitError {
  code: SplitErrorCode;
  line: number;
}

/** Called per record with its fields and the physical line it starts on; false stops the split. */
export type OnRecord = (fields: string[], line: number) => boolean;

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

const enum State {
  /** Before the first character of a field (only spaces or tabs so far). */
  FieldStart,
  Unquoted,
  Quoted,
  /** A `"` inside a quoted value: either the first of `""` or the closing quote. */
  QuoteInQuoted,
  /** After a closing quote: only spaces or tabs until the next comma or line end. */
  AfterClosingQuote,
}

export class CsvRecordSplitter {
  /** Set when the split stopped on malformed CSV. */
  error: SplitError | undefined;
  /** Set when onRecord asked to stop. */
  stopped = false;
  private state = State.FieldStart;
  private fields: string[] = [];
  /** The current field's text from earlier slices (a field may cross slice boundaries). */
  private field = "";
  /** Physical line of the next character, 1-based. */
  private line = 1;
  private recordLine = 1;
  /** The previous character was a CR: a LF right after it ends the same line. */
  private afterCR = false;

  constructor(
    private readonly onRecord: OnRecord,
    private readonly maxRecordChars: number,
  ) {}

  /** Whether the split can go on (no error, not stopped). */
  get active(): boolean {
    return this.error === undefined && !this.stopped;
  }

  /** Feeds the next piece of text; returns false once the split has stopped. */
  push(text: string): boolean {
    if (!this.active) return false;
    const n = text.length;
    /** Start of the current field's text within `text`, or -1 when it holds none yet. */
    let from = this.state === State.Unquoted || this.state === State.Quoted ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.afterCR) {
        this.afterCR = false;
        // The LF of a CRLF: inside quotes it stays in the value (`from` covers it), outside it
        // belongs to the line end already counted.
        if (c === LF) continue;
      }
      switch (this.state) {
        case State.FieldStart:
          if (c === COMMA || c === LF || c === CR) {
            // Blanks only: an empty value.
            this.endField("");
            from = -1;
            if (c !== COMMA && !this.endRecord(c)) return false;
          } else if (c === QUOTE) {
            this.state = State.Quoted;
            this.field = ""; // blanks before the opening quote are not part of the value
            from = i + 1;
          } else if (c !== SPACE && c !== TAB) {
            this.state = State.Unquoted;
            if (from === -1) from = i;
          } else if (from === -1) {
            from = i; // leading blanks of an unquoted value (dropped if a quote follows)
          }
          break;
        case State.Unquoted:
          if (c === COMMA || c === LF || c === CR) {
            this.endField(this.field + text.slice(from, i));
            from = -1;
            if (c !== COMMA && !this.endRecord(c)) return false;
          } else if (c === QUOTE) {
            return this.fail("quote-in-unquoted-value", this.line);
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += text.slice(from, i);
            from = -1;
            this.state = State.QuoteInQuoted;
          } else if (c === LF || c === CR) {
            this.line++;
            this.afterCR = c === CR;
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.state = State.Quoted;
            from = i; // the second quote of "" is the literal one
            break;
          }
          this.state = State.AfterClosingQuote;
        // falls through: that quote closed the value
        case State.AfterClosingQuote:
          if (c === COMMA || c === LF || c === CR) {
            this.endField(this.field);
            if (c !== COMMA && !this.endRecord(c)) return false;
          } else if (c !== SPACE && c !== TAB) {
            return this.fail("text-after-closing-quote", this.line);
          }
          break;
      }
    }
    if (from !== -1) this.field += text.slice(from, n);
    // A record still open at the end of a piece: a runaway quoted value is refused here, before
    // it grows further (pieces are small, so this bounds the text held).
    if (this.recordChars() > this.maxRecordChars) return this.fail("record-too-long", this.recordLine);
    return true;
  }

  /** Ends the input: the last record may lack its line end. */
  end(): void {
    if (!this.active) return;
    if (this.state === State.Quoted) {
      this.fail("quote-not-closed", this.recordLine);
      return;
    }
    if (this.state === State.FieldStart && this.fields.length === 0 && this.field === "") return;
    this.endField(this.field);
    this.emit();
  }

  private recordChars(): number {
    let total = this.field.length;
    for (const f of this.fields) total += f.length + 1;
    return total;
  }

  private endField(value: string): void {
    this.fields.push(value);
    this.field = "";
    this.state = State.FieldStart;
  }

  private endRecord(c: number): boolean {
    this.line++;
    this.afterCR = c === CR;
    return this.emit();
  }

  private emit(): boolean {
    if (this.recordChars() > this.maxRecordChars) return this.fail("record-too-long", this.recordLine);
    const fields = this.fields;
    const line = this.recordLine;
    this.fields = [];
    this.field = "";
    this.recordLine = this.line;
    this.state = State.FieldStart;
    if (!this.onRecord(fields, line)) {
      this.stopped = true;
      return false;
    }
    return true;
  }

  private fail(code: SplitErrorCode, line: number): false {
    this.error = { code, line };
    return false;
  }
}
