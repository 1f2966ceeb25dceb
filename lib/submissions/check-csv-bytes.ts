/*
 * Byte-level checks run on a predictions CSV before the CSV parser sees it: csv-parse would
 * decode a UTF-16 or Windows-1252 file into garbage (or replacement characters) and then
 * report a baffling "unknown label" on every line. Checking bytes first lets us say what is
 * actually wrong and where.
 */

import { isUtf8 } from "node:buffer";

/** Signatures of files people upload instead of a CSV, with what to do about it. */
const SIGNATURES: { bytes: number[]; message: string }[] = [
  {
    bytes: [0xff, 0xfe],
    message: 'The file is encoded as UTF-16 (Excel\'s "Unicode Text"). Save it as UTF-8 ("CSV UTF-8") and upload it again.',
  },
  {
    bytes: [0xfe, 0xff],
    message: 'The file is encoded as UTF-16 (big-endian). Save it as UTF-8 ("CSV UTF-8") and upload it again.',
  },
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    message: 'The file is a zip archive (an Excel .xlsx workbook is one), not a CSV text file. Export it as "CSV UTF-8".',
  },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0],
    message: 'The file is an old Excel .xls workbook, not a CSV text file. Export it as "CSV UTF-8".',
  },
  {
    bytes: [0x1f, 0x8b],
    message: "The file is gzip-compressed. Upload the uncompressed CSV.",
  },
];

/** Bytes needed to recognise every signature above. */
export const SNIFF_BYTES = 4;

export function sniffFileType(head: Uint8Array): string | undefined {
  for (const sig of SIGNATURES) {
    if (head.length >= sig.bytes.length && sig.bytes.every((b, i) => head[i] === b)) return sig.message;
  }
  return undefined;
}

export interface ByteProblem {
  line: number;
  message: string;
}

/**
 * Streams over the raw bytes, counting lines (LF) so that a NUL byte or an invalid UTF-8
 * sequence can be reported with its physical line number. A multi-byte character split across
 * two chunks is carried over, not flagged.
 */
export class ByteChecker {
  /** Line breaks in the chunks before `previous`. */
  private newlines = 0;
  /**
   * The last chunk that passed, whose line breaks are counted only when another chunk comes:
   * a Buffer upload is one chunk, and counting ~27k newlines in it would be wasted work
   * unless there is an error to place.
   */
  private previous: Uint8Array | undefined;
  private carry: Uint8Array = new Uint8Array(0);

  check(chunk: Uint8Array): ByteProblem | undefined {
    if (this.previous !== undefined) {
      this.newlines += countNewlines(this.previous, this.previous.length);
      this.previous = undefined;
    }
    const nul = chunk.indexOf(0);
    if (nul !== -1) {
      return {
        line: this.newlines + countNewlines(chunk, nul) + 1,
        message:
          'The file contains NUL bytes, so it is a binary file or UTF-16 text, not a UTF-8 CSV. Save it as UTF-8 ("CSV UTF-8") text.',
      };
    }
    // Fast path: almost every upload is ASCII and chunk boundaries fall between characters.
    if (this.carry.length === 0 && isUtf8(chunk)) {
      this.previous = chunk;
      return undefined;
    }
    const data = this.carry.length === 0 ? chunk : concat(this.carry, chunk);
    const { invalidAt, tail } = scanUtf8(data);
    if (invalidAt !== -1) {
      return {
        line: this.newlines + countNewlines(data, invalidAt) + 1,
        message: invalidUtf8Message(data[invalidAt]),
      };
    }
    this.previous = data.subarray(0, data.length - tail);
    this.carry = data.slice(data.length - tail);
    return undefined;
  }

  /** Call at the end of the input: a character cut off by the end of the file is invalid too. */
  finish(): ByteProblem | undefined {
    if (this.carry.length === 0) return undefined;
    const before = this.previous === undefined ? 0 : countNewlines(this.previous, this.previous.length);
    return { line: this.newlines + before + 1, message: invalidUtf8Message(this.carry[0]) };
  }
}

function invalidUtf8Message(byte: number): string {
  const hex = byte.toString(16).toUpperCase().padStart(2, "0");
  return (
    `The file is not valid UTF-8 (byte 0x${hex} here does not belong to a UTF-8 character). ` +
    'It was probably saved in another encoding such as Windows-1252 or Latin-1: save it as UTF-8 ("CSV UTF-8").'
  );
}

function countNewlines(buf: Uint8Array, end: number): number {
  let n = 0;
  let i = buf.indexOf(10);
  while (i !== -1 && i < end) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Finds the first byte that cannot be part of well-formed UTF-8 (Unicode table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF). `tail` is the length of an
 * incomplete but so far valid sequence at the very end, which the next chunk may complete.
 */
export function scanUtf8(b: Uint8Array): { invalidAt: number; tail: number } {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return { invalidAt: i, tail: 0 };
    for (let j = 1; j < len; j++) {
      if (i + j >= n) return { invalidAt: -1, tail: n - i };
      const cc = b[i + j];
      const min = j === 1 ? lo : 0x80;
      const max = j === 1 ? hi : 0xbf;
      if (cc < min || cc > max) return { invalidAt: i, tail: 0 };
    }
    i += len;
  }
  return { invalidAt: -1, tail: 0 };
}
