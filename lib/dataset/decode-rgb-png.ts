import zlib from "node:zlib";
import { PNG_SIGNATURE, unfilterRows } from "./png-format";

/**
 * A small PNG decoder for the one format the dataset uses: 8-bit RGB, not interlaced.
 *
 * Why not only sharp: for an 84x108 image libvips' per-call pipeline set-up dominates, and on
 * the 2-core target sharp decodes ~1,300 images/s with both cores busy (~1.3 ms of CPU per
 * image), which leaves nothing for reading, zipping and writing. Here the inflate is native
 * zlib and only the unfiltering runs in JavaScript: ~0.4 ms of CPU per image. The inflate is
 * synchronous on purpose: for 27 KB, the async API's per-call stream set-up and garbage cost
 * more than the inflate itself. Any PNG this decoder does not handle, or finds broken, goes
 * to sharp, which stays the reference (decode-portrait.ts); the tests check both give
 * identical pixels.
 */

const IHDR = 0x49484452;
const IDAT = 0x49444154;
const IEND = 0x49454e44;
const PLTE = 0x504c5445;

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA. */
  colorType: number;
  interlace: number;
}

/** Reads the IHDR without decoding; undefined when the bytes do not start like a PNG. */
export function parsePngHeader(bytes: Buffer): PngHeader | undefined {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (bytes.readUInt32BE(8) !== 13 || bytes.readUInt32BE(12) !== IHDR) return undefined;
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes[24],
    colorType: bytes[25],
    interlace: bytes[28],
  };
}

/** Whether decodeRgbPng can handle this header. */
export function isPlainRgb8(header: PngHeader): boolean {
  return header.bitDepth === 8 && header.colorType === 2 && header.interlace === 0;
}

/**
 * Decodes an 8-bit RGB non-interlaced PNG to HWC RGB bytes. Throws on anything unexpected
 * (bad CRC, unknown critical chunk, truncated data, missing IEND), so the caller can fall back.
 */
export function decodeRgbPng(bytes: Buffer): { width: number; height: number; pixels: Buffer } {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error("not a PNG");
  if (bytes.readUInt32BE(8) !== 13 || bytes.readUInt32BE(12) !== IHDR) throw new Error("no IHDR");
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  // bit depth 8, colour type 2 (RGB), compression 0, filter method 0, no interlace
  if (bytes[24] !== 8 || bytes[25] !== 2 || bytes[26] !== 0 || bytes[27] !== 0 || bytes[28] !== 0) {
    throw new Error("not a plain 8-bit RGB PNG");
  }
  if (width < 1 || height < 1 || width * height > 1 << 24) throw new Error("implausible size");
  const idat: Buffer[] = [];
  let pos = 8;
  let ended = false;
  while (pos + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(pos);
    const type = bytes.readUInt32BE(pos + 4);
    const end = pos + 12 + length;
    if (end > bytes.length) throw new Error("truncated chunk");
    if (zlib.crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== bytes.readUInt32BE(pos + 8 + length)) {
      throw new Error("chunk CRC mismatch");
    }
    if (type === IDAT) idat.push(bytes.subarray(pos + 8, pos + 8 + length));
    else if (type === IEND) {
      ended = true;
      break;
    } else if (type !== IHDR && type !== PLTE && bytes[pos + 4] < 0x61) {
      // An unknown critical chunk (upper-case first letter) must not be skipped.
      throw new Error("unknown critical chunk");
    }
    pos = end;
  }
  if (!ended || idat.length === 0) throw new Error("truncated PNG (no IEND)");
  const expected = height * (width * 3 + 1);
  // One output chunk of the exact size (the default 16 KB chunks would mean several buffers
  // and a concat per image); maxOutputLength stops a malicious stream from inflating further.
  const data = zlib.inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat), {
    chunkSize: expected + 1,
    maxOutputLength: expected + 1,
  });
  if (data.length !== expected) throw new Error("image data has the wrong length");
  return { width, height, pixels: unfilterRows(data, width, height) };
}
