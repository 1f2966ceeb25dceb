import zlib from "node:zlib";
import { PNG_SIGNATURE, filterRows, pngChunk, type PngRowFilter } from "./png-format";

/**
 * The platform's one PNG encoder: 8-bit RGB, IHDR + one IDAT + IEND, nothing else. Used for
 * the test zip's images (which must reach participants with no byte or metadata of the
 * original file: docs/dataset.md), for train images that needed a conversion, and for the
 * synthetic portraits.
 *
 * Written here rather than with sharp: a native sharp call costs more per 84 x 108 image
 * (~1.4 ms measured) than filtering and zlib here, and the bytes stay identical on every run
 * and every libvips/libpng version (the test zip's SHA256SUMS).
 *
 * The row filter is a parameter; the default comes from bench/png-filters.ts on 2,000 synthetic
 * portraits (rendered noisy like the photos), per image, one thread, on the shared 2-core
 * machine under load (two runs):
 *   paeth    14,323 B  1.29-1.32 ms (filter 0.45-0.55 + deflate 0.78-0.84)
 *   average  15,025 B  1.16-1.18 ms (filter 0.30-0.34 + deflate 0.82-0.88)
 * Average is 0.1-0.16 ms faster per image (8-12%), Paeth 4.7% smaller: on the real dataset
 * (134,734 images) about 20 s of CPU against about 95 MB less to download. Downloads are paid
 * by every participant, the CPU once per prepare: Paeth. (Paeth was once 3x slower than
 * deflate here; that was its branches mispredicting on noise: the predictor is branch-free now.)
 * Deflate: Z_RLE at level 6. Measured earlier on 300 portraits: Up + default strategy 14,928 B
 * 1.9 ms, Paeth + default 14,595 B 1.7 ms, Paeth + Z_FILTERED 14,275 B 1.9 ms, Paeth + Z_RLE
 * 14,463 B 0.53 ms; level 9 gains 0.2% for twice the time. Full LZ matching finds little in
 * noisy photos, run-length matches get the flat areas.
 */
export const DEFAULT_PNG_FILTER: PngRowFilter = "paeth";

export function encodeRgbPng(pixels: Uint8Array, width: number, height: number, options: { filter?: PngRowFilter } = {}): Buffer {
  if (pixels.length !== width * height * 3) throw new Error(`expected ${width * height * 3} bytes, got ${pixels.length}`);
  const filtered = filterRows(pixels, width, height, options.filter ?? DEFAULT_PNG_FILTER);
  const compressed = zlib.deflateSync(filtered, {
    level: 6,
    strategy: zlib.constants.Z_RLE,
    chunkSize: filtered.length + 1024, // one output buffer
  });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  // compression 0, filter method 0, no interlace
  return Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", ihdr), pngChunk("IDAT", compressed), IEND]);
}

const IEND = pngChunk("IEND", Buffer.alloc(0));
