/**
 * The byte range a download request asks for (RFC 9110 section 14), for a file of `size` bytes.
 *
 * - no header, another unit, or a header we cannot parse: the whole file (`full`); servers may
 *   ignore Range, and a broken header must not break a download;
 * - several ranges (`bytes=0-9,20-29`): also the whole file with 200. Download managers resume
 *   with one range; multipart/byteranges responses would only serve tools we do not need to;
 * - one range `a-b`, `a-` or `-n`: `partial` with inclusive `start`/`end`, `end` clamped to the
 *   last byte;
 * - one range that starts at or after the end of the file, or `-0`: `unsatisfiable` (416).
 */
export type ByteRange = { kind: "full" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

const SINGLE_RANGE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

export function parseRangeHeader(options: { header: string | null | undefined; size: number }): ByteRange {
  const { header, size } = options;
  if (!header) return { kind: "full" };
  const match = SINGLE_RANGE.exec(header.trim());
  if (!match) return { kind: "full" };
  const [, first, last] = match;
  if (first === "" && last === "") return { kind: "full" };
  // Digits only by the regex; numbers beyond 2^53 are still "past the end" after Number().
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: "partial", start, end };
}

/**
 * If-Range (RFC 9110 section 13.1.5): the client resumes only if the file is still the one it
 * started; otherwise it must get the whole new file. We validate by strong ETag only; a date
 * (which would need Last-Modified, which we do not send) or a weak tag never matches.
 */
export function ifRangeAllowsPartial(options: { ifRange: string | null | undefined; etag: string }): boolean {
  const { ifRange, etag } = options;
  if (!ifRange) return true;
  return ifRange.trim() === etag;
}
