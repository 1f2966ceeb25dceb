import zlib from "node:zlib";
import { promisify } from "node:util";
import { PNG_SIGNATURE } from "./decode-rgb-png";

const deflate = promisify(zlib.deflate);

/**
 * Encodes HWC RGB bytes as a minimal PNG: IHDR, one IDAT, IEND, nothing else. Used for the
 * test images, which must reach participants with no byte or metadata of the original file
 * (DESIGN.md section 2: the original bytes could be matched against CelebA).
 *
 * Written here rather than with sharp so the output is byte-identical on every run (the test
 * zip's SHA256SUMS) and cheap: every row uses the Up filter (Sub for the first row). Measured
 * on portrait-like images, Paeth saved ~1% and libpng's per-row adaptive choice ~2% of the
 * size, for 5-10x the JavaScript time (the one core that also runs the rest of the prepare). The deflate runs on libuv's
 * thread pool, so several encodes in flight use both cores.
 */
export async function encodeRgbPng(pixels: Uint8Array, width: number, height: number): Promise<Buffer> {
  const stride = width * 3;
  if (pixels.length !== stride * height) throw new Error(`expected ${stride * height} bytes, got ${pixels.length}`);
  const filtered = Buffer.allocUnsafe(height * (stride + 1));
  // Row 0: Sub; then Up for every row.
  filtered[0] = 1;
  for (let x = 0; x < stride; x++) filtered[1 + x] = (pixels[x] - (x >= BPP ? pixels[x - BPP] : 0)) & 255;
  for (let y = 1; y < height; y++) {
    const o = y * stride;
    const t = y * (stride + 1);
    filtered[t] = 2;
    for (let x = 0; x < stride; x++) filtered[t + 1 + x] = (pixels[o + x] - pixels[o - stride + x]) & 255;
  }
  const compressed = await deflate(filtered, { level: 6 });

  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  // compression 0, filter method 0, no interlace
  return Buffer.concat([PNG_SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", compressed), chunk("IEND", Buffer.alloc(0))]);
}

const BPP = 3;

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
