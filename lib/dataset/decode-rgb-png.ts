import zlib from "node:zlib";

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

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IHDR = 0x49484452;

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
  return decodeRgbPngWith(zlib, bytes);
}

/**
 * The decoder itself. Self-contained on purpose (no reference to anything outside its body
 * but its arguments and globals): the worker pool runs it from its source text, which works
 * the same under tsx, vitest and plain node (see png-worker-pool.ts). Keep it that way.
 */
export function decodeRgbPngWith(z: typeof zlib, bytes: Buffer): { width: number; height: number; pixels: Buffer } {
  const IHDR = 0x49484452;
  const IDAT = 0x49444154;
  const IEND = 0x49454e44;
  const PLTE = 0x504c5445;
  if (bytes.length < 33 || bytes.readUInt32BE(0) !== 0x89504e47 || bytes.readUInt32BE(4) !== 0x0d0a1a0a) throw new Error("not a PNG");
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
    if (z.crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== bytes.readUInt32BE(pos + 8 + length)) {
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
  const bpp = 3;
  const stride = width * bpp;
  const expected = height * (stride + 1);
  // One output chunk of the exact size (the default 16 KB chunks would mean several buffers
  // and a concat per image); maxOutputLength stops a malicious stream from inflating further.
  const data = z.inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat), {
    chunkSize: expected + 1,
    maxOutputLength: expected + 1,
  });
  if (data.length !== expected) throw new Error("image data has the wrong length");
  const out = Buffer.allocUnsafe(height * stride);

  // Reverse the row filters (PNG spec section 9), one specialised loop per filter type.
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const s = y * (stride + 1) + 1;
    const o = y * stride;
    const u = o - stride; // row above in `out`
    switch (filter) {
      case 0:
        data.copy(out, o, s, s + stride);
        break;
      case 1:
        for (let x = 0; x < bpp; x++) out[o + x] = data[s + x];
        for (let x = bpp; x < stride; x++) out[o + x] = (data[s + x] + out[o + x - bpp]) & 255;
        break;
      case 2:
        if (y === 0) data.copy(out, o, s, s + stride);
        else for (let x = 0; x < stride; x++) out[o + x] = (data[s + x] + out[u + x]) & 255;
        break;
      case 3:
        if (y === 0) {
          for (let x = 0; x < bpp; x++) out[o + x] = data[s + x];
          for (let x = bpp; x < stride; x++) out[o + x] = (data[s + x] + (out[o + x - bpp] >> 1)) & 255;
        } else {
          for (let x = 0; x < bpp; x++) out[o + x] = (data[s + x] + (out[u + x] >> 1)) & 255;
          for (let x = bpp; x < stride; x++) out[o + x] = (data[s + x] + ((out[o + x - bpp] + out[u + x]) >> 1)) & 255;
        }
        break;
      case 4:
        if (y === 0) {
          // Paeth with no row above is Sub.
          for (let x = 0; x < bpp; x++) out[o + x] = data[s + x];
          for (let x = bpp; x < stride; x++) out[o + x] = (data[s + x] + out[o + x - bpp]) & 255;
        } else {
          for (let x = 0; x < bpp; x++) out[o + x] = (data[s + x] + out[u + x]) & 255;
          for (let x = bpp; x < stride; x++) {
            const a = out[o + x - bpp];
            const b = out[u + x];
            const c = out[u + x - bpp];
            // Branch-free Paeth predictor, as in encodeRgbPngWith (same choice, ties included).
            let pa = b - c;
            pa = (pa ^ (pa >> 31)) - (pa >> 31);
            let pb = a - c;
            pb = (pb ^ (pb >> 31)) - (pb >> 31);
            let pc = a + b - c - c;
            pc = (pc ^ (pc >> 31)) - (pc >> 31);
            const notA = ((pb - pa) >> 31) | ((pc - pa) >> 31);
            const cOverB = (pc - pb) >> 31;
            out[o + x] = (data[s + x] + ((a & ~notA) | (((b & ~cOverB) | (c & cOverB)) & notA))) & 255;
          }
        }
        break;
      default:
        throw new Error(`invalid row filter ${filter}`);
    }
  }
  return { width, height, pixels: out };
}
