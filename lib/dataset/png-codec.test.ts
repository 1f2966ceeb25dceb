import zlib from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { decodePortrait } from "./decode-portrait";
import { decodeRgbPng, parsePngHeader } from "./decode-rgb-png";
import { DEFAULT_PNG_FILTER, encodeRgbPng } from "./encode-rgb-png";
import { createPngWorkerPool } from "./png-worker-pool";
import { fixturePixels } from "../../test-support/dataset/make-fixture-dataset";

const W = IMAGE_WIDTH;
const H = IMAGE_HEIGHT;
const raw = { raw: { width: W, height: H, channels: 3 as const } };

async function sharpPixels(png: Buffer): Promise<Buffer> {
  return sharp(png, { ignoreIcc: true }).removeAlpha().toColourspace("srgb").raw({ depth: "uchar" }).toBuffer();
}

/** Re-chunks a PNG's IDAT into pieces of `size` bytes (encoders may split it). */
function splitIdat(png: Buffer, size: number): Buffer {
  const out: Buffer[] = [png.subarray(0, 8)];
  let pos = 8;
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString("latin1", pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    const pieces =
      type === "IDAT" ? Array.from({ length: Math.ceil(len / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)) : [data];
    for (const piece of pieces) {
      const c = Buffer.alloc(12 + piece.length);
      c.writeUInt32BE(piece.length, 0);
      c.write(type, 4, "latin1");
      piece.copy(c, 8);
      c.writeUInt32BE(zlib.crc32(c.subarray(4, 8 + piece.length)), 8 + piece.length);
      out.push(c);
    }
    pos += 12 + len;
  }
  return Buffer.concat(out);
}

describe("PNG decoding", () => {
  it("the fast decoder gives exactly sharp's pixels for every filter type and compression level", async () => {
    for (let i = 0; i < 12; i++) {
      const px = fixturePixels(i);
      const png = await sharp(px, raw)
        .png({ adaptiveFiltering: i % 2 === 0, compressionLevel: i % 10 })
        .toBuffer();
      const fast = decodeRgbPng(png).pixels;
      expect(fast.equals(px)).toBe(true);
      expect(fast.equals(await sharpPixels(png))).toBe(true);
    }
  });

  it("handles IDAT split into several chunks", async () => {
    const px = fixturePixels(5);
    const png = splitIdat(await sharp(px, raw).png().toBuffer(), 1000);
    expect(decodeRgbPng(png).pixels.equals(px)).toBe(true);
  });

  it("each row filter round-trips through both decoders and is written on every row", async () => {
    const px = fixturePixels(11);
    const sizes: Record<string, number> = {};
    for (const [filter, type] of [
      ["paeth", 4],
      ["average", 3],
    ] as const) {
      const png = encodeRgbPng(px, W, H, { filter });
      expect(decodeRgbPng(png).pixels.equals(px)).toBe(true);
      expect((await sharpPixels(png)).equals(px)).toBe(true);
      const rows = zlib.inflateSync(png.subarray(41, png.length - 12 - 4)); // IDAT data
      const types = new Set(Array.from({ length: H }, (_, y) => rows[y * (W * 3 + 1)]));
      // Paeth's first row is Sub (no row above); Average is Average everywhere.
      expect([...types].sort()).toEqual(filter === "paeth" ? [1, type] : [type]);
      sizes[filter] = png.length;
    }
    expect(encodeRgbPng(px, W, H).equals(encodeRgbPng(px, W, H, { filter: DEFAULT_PNG_FILTER }))).toBe(true);
    expect(sizes.paeth).not.toBe(sizes.average);
  });

  it("the encoder round-trips, writes no metadata, and is deterministic", async () => {
    const px = fixturePixels(9);
    const png = encodeRgbPng(px, W, H);
    expect((await sharpPixels(png)).equals(px)).toBe(true);
    expect(decodeRgbPng(png).pixels.equals(px)).toBe(true);
    expect(encodeRgbPng(px, W, H).equals(png)).toBe(true);
    const chunks: string[] = [];
    for (let pos = 8; pos < png.length; pos += 12 + png.readUInt32BE(pos)) chunks.push(png.toString("latin1", pos + 4, pos + 8));
    expect(chunks).toEqual(["IHDR", "IDAT", "IEND"]);
  });

  it("decodePortrait reports truncated, corrupt and wrong-size files", async () => {
    const png = await sharp(fixturePixels(1), raw).png().toBuffer();
    const truncated = await decodePortrait(png.subarray(0, png.length >> 1));
    expect(truncated).toMatchObject({ ok: false, code: "corrupt-image" });
    expect((truncated as { detail: string }).detail).toMatch(/truncated or corrupt/);

    const notPng = await decodePortrait(Buffer.from("hello, not a png at all, definitely not"));
    expect(notPng).toMatchObject({ ok: false, code: "corrupt-image", detail: expect.stringMatching(/not a PNG/) });

    // Flip bytes in the middle of the compressed data: both decoders must refuse.
    const damaged = Buffer.from(png);
    for (let i = 100; i < 140; i++) damaged[i] ^= 0x5a;
    expect(await decodePortrait(damaged)).toMatchObject({ ok: false, code: "corrupt-image" });

    const big = await sharp(Buffer.alloc(100 * 100 * 3, 128), { raw: { width: 100, height: 100, channels: 3 } })
      .png()
      .toBuffer();
    expect(await decodePortrait(big)).toEqual({ ok: false, code: "wrong-size", detail: "is 100x100, expected 84x108" });
  });

  it("decodePortrait converts RGBA, grey, palette and 16-bit PNGs to RGB with a note", async () => {
    const px = fixturePixels(3);
    const rgba = await sharp(px, raw).ensureAlpha(0.5).png().toBuffer();
    expect(parsePngHeader(rgba)?.colorType).toBe(6);
    const a = await decodePortrait(rgba);
    expect(a).toMatchObject({ ok: true, conversion: "converted from RGBA to RGB" });
    // Alpha is dropped, not composited (what PIL's convert("RGB") does).
    expect((a as { pixels: Buffer }).pixels.equals(px)).toBe(true);

    const grey = await sharp(px, raw).greyscale().toColourspace("b-w").png().toBuffer();
    expect(parsePngHeader(grey)?.colorType).toBe(0);
    const g = await decodePortrait(grey);
    expect(g).toMatchObject({ ok: true, conversion: "converted from greyscale to RGB" });
    const gp = (g as { pixels: Buffer }).pixels;
    expect(gp.length).toBe(IMAGE_BYTES);
    for (let i = 0; i < gp.length; i += 3) expect(gp[i] === gp[i + 1] && gp[i] === gp[i + 2]).toBe(true);

    const palette = await sharp(px, raw).png({ palette: true, colours: 16, dither: 0 }).toBuffer();
    expect(parsePngHeader(palette)?.colorType).toBe(3);
    const p = await decodePortrait(palette);
    expect(p).toMatchObject({ ok: true, conversion: "converted from palette to RGB" });
    expect((p as { pixels: Buffer }).pixels.equals(await sharpPixels(palette))).toBe(true);

    const deep = await sharp(px, raw).toColourspace("rgb16").png().toBuffer();
    expect(parsePngHeader(deep)?.bitDepth).toBe(16);
    const d = await decodePortrait(deep);
    expect(d).toMatchObject({ ok: true, conversion: "converted from 16-bit RGB to RGB" });
    const dp = (d as { pixels: Buffer }).pixels;
    let maxDiff = 0;
    for (let i = 0; i < dp.length; i++) maxDiff = Math.max(maxDiff, Math.abs(dp[i] - px[i]));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it("the sharp path and the fast path agree on plain RGB", async () => {
    const png = await sharp(fixturePixels(4), raw).png({ adaptiveFiltering: true }).toBuffer();
    const fast = await decodePortrait(png);
    const slow = await decodePortrait(png, { sharpOnly: true });
    expect(fast.ok && slow.ok && fast.pixels.equals(slow.pixels)).toBe(true);
    expect(slow).not.toHaveProperty("conversion", expect.any(String));
  });

  it("the worker pool runs the same decoder and encoder (same bytes), and falls back without workers", async () => {
    const pngs = await Promise.all([0, 1, 2, 3].map((i) => sharp(fixturePixels(i), raw).png({ adaptiveFiltering: true }).toBuffer()));
    pngs.push(pngs[0].subarray(0, 500)); // refused by the fast decoder
    for (const size of [2, 0]) {
      const pool = createPngWorkerPool(size);
      try {
        const decoded = await pool.decodeMany(pngs);
        expect(decoded).toHaveLength(5);
        decoded.slice(0, 4).forEach((px, i) => expect(px!.equals(fixturePixels(i))).toBe(true));
        expect(decoded[4]).toBeUndefined();
        expect(pngs[0].length).toBeGreaterThan(500); // the caller keeps its buffers

        const all = Buffer.concat(decoded.slice(0, 4) as Buffer[]);
        const encoded = await pool.encodeMany(all, 4, W, H);
        encoded.forEach((png, i) => expect(png.equals(encodeRgbPng(fixturePixels(i), W, H))).toBe(true));
        // The work really ran on the workers (a dead worker would fail over silently).
        expect(pool.workerCount).toBe(size);
      } finally {
        await pool.close();
      }
    }
  });
});
