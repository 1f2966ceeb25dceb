/**
 * Minimal PNG encoder for 8-bit RGB: signature, IHDR, one IDAT, IEND. Nothing else, so the
 * files carry no metadata (no time stamps, no gamma or colour-profile chunks, no software name).
 *
 * Written by hand rather than through sharp because a native sharp call costs more per 84 x 108
 * image (~1.4 ms measured) than filtering and zlib here (~0.4 ms), and because it keeps the bytes
 * independent of libvips/libpng versions.
 *
 * Measured choices (on rendered portraits, which are noisy like photos): every row uses the
 * Average filter, 2% larger files than Paeth (15.8 vs 15.5 KiB) but branch-free: Paeth's
 * data-dependent branches mispredict on noise and made filtering 3x slower than deflate. Deflate
 * uses the Z_RLE strategy, both the fastest (3x faster than the default) and the smallest.
 */
import zlib from "node:zlib";

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const IEND = chunk("IEND", Buffer.alloc(0));
let filtered = Buffer.alloc(0);

export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  const stride = width * 3;
  const need = (stride + 1) * height;
  if (filtered.length < need) filtered = Buffer.alloc(need);
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1) + 1;
    const row = y * stride;
    filtered[o - 1] = 3; // Average: predict (left + up) / 2
    if (y === 0) {
      for (let x = 0; x < 3; x++) filtered[o + x] = rgb[x];
      for (let x = 3; x < stride; x++) filtered[o + x] = (rgb[x] - (rgb[x - 3] >> 1)) & 255;
      continue;
    }
    const prev = row - stride;
    for (let x = 0; x < 3; x++) filtered[o + x] = (rgb[row + x] - (rgb[prev + x] >> 1)) & 255;
    for (let x = 3; x < stride; x++) filtered[o + x] = (rgb[row + x] - ((rgb[row + x - 3] + rgb[prev + x]) >> 1)) & 255;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB, no alpha
  // bytes 10-12: deflate, adaptive filtering, no interlace (all 0)
  const idat = zlib.deflateSync(filtered.subarray(0, need), { strategy: zlib.constants.Z_RLE });
  return Buffer.concat([SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", idat), IEND]);
}
