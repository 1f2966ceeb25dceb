import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { MOSAIC_COLUMNS, MOSAIC_GAP, MOSAIC_HEIGHT, MOSAIC_ROWS, MOSAIC_WIDTH, pickSample, renderMosaic } from "./render-mosaic";

describe("pickSample", () => {
  it("picks distinct positions, the same ones for the same key", () => {
    const a = pickSample(1000, 72, "build-a");
    expect(new Set(a).size).toBe(72);
    expect(a.every((i) => i >= 0 && i < 1000)).toBe(true);
    expect(pickSample(1000, 72, "build-a")).toEqual(a);
    expect(pickSample(1000, 72, "build-b")).not.toEqual(a);
  });

  it("takes every image when there are fewer than asked", () => {
    expect(pickSample(5, 72, "k").sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("renderMosaic", () => {
  it("tiles the chosen train images from the tensor cache", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-mosaic-"));
    const count = 100;
    // Image i is a flat grey of value 2*i, so each tile says which image it came from.
    const cache = Buffer.alloc(count * IMAGE_BYTES);
    for (let i = 0; i < count; i++) cache.fill(2 * i, i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES);
    const file = path.join(dir, "train.u8");
    fs.writeFileSync(file, cache);

    const image = await renderMosaic({ trainCachePath: file, count, key: "k" });
    const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([MOSAIC_WIDTH, MOSAIC_HEIGHT]);

    const expected = pickSample(count, MOSAIC_COLUMNS * MOSAIC_ROWS, "k");
    for (const tile of [0, 13, 71]) {
      const x = (tile % MOSAIC_COLUMNS) * (IMAGE_WIDTH + MOSAIC_GAP) + IMAGE_WIDTH / 2;
      const y = Math.floor(tile / MOSAIC_COLUMNS) * (IMAGE_HEIGHT + MOSAIC_GAP) + IMAGE_HEIGHT / 2;
      const value = data[(y * info.width + x) * info.channels];
      expect(Math.abs(value - 2 * expected[tile])).toBeLessThanOrEqual(3); // lossy WebP
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("says so when the cache is shorter than its metadata claims", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-mosaic-"));
    const file = path.join(dir, "train.u8");
    fs.writeFileSync(file, Buffer.alloc(10 * IMAGE_BYTES));
    await expect(renderMosaic({ trainCachePath: file, count: 500, key: "k" })).rejects.toThrow(/truncated/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
