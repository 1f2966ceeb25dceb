import crypto from "node:crypto";
import fs from "node:fs/promises";
import sharp from "sharp";
import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";

export const MOSAIC_COLUMNS = 12;
export const MOSAIC_ROWS = 6;
export const MOSAIC_GAP = 2;
export const MOSAIC_WIDTH = MOSAIC_COLUMNS * IMAGE_WIDTH + (MOSAIC_COLUMNS - 1) * MOSAIC_GAP;
export const MOSAIC_HEIGHT = MOSAIC_ROWS * IMAGE_HEIGHT + (MOSAIC_ROWS - 1) * MOSAIC_GAP;

/**
 * Picks `k` distinct positions out of `count`, deterministically from `key`, so one
 * prepared dataset always shows the same sample (cacheable) and a new one a new sample.
 */
export function pickSample(count: number, k: number, key: string): number[] {
  const n = Math.min(count, k);
  const picked = new Set<number>();
  let counter = 0;
  while (picked.size < n) {
    const h = crypto.createHash("sha256").update(`${key}:${counter++}`).digest();
    picked.add(h.readUInt32BE(0) % count);
  }
  return [...picked];
}

/**
 * Renders a mosaic of training portraits straight from the train tensor cache: it reads
 * only the chosen images (one positioned read each), so it costs the same on 2,000 or
 * 134,734 images and never touches the test split.
 */
export async function renderMosaic(options: { trainCachePath: string; count: number; key: string }): Promise<Buffer> {
  const { trainCachePath, count, key } = options;
  const positions = pickSample(count, MOSAIC_COLUMNS * MOSAIC_ROWS, key);
  const file = await fs.open(trainCachePath, "r");
  try {
    const image = Buffer.alloc(IMAGE_BYTES);
    return await composeMosaic(positions.length, async (i) => {
      const { bytesRead } = await file.read(image, 0, IMAGE_BYTES, positions[i] * IMAGE_BYTES);
      if (bytesRead !== IMAGE_BYTES) throw new Error(`train cache is truncated at image ${positions[i]}`);
      return image;
    });
  } finally {
    await file.close();
  }
}

/** Tiles `count` portraits (raw RGB, IMAGE_BYTES each, in reading order) into the mosaic, as WebP. */
export async function composeMosaic(count: number, imageAt: (i: number) => Promise<Uint8Array> | Uint8Array): Promise<Buffer> {
  const canvas = Buffer.alloc(MOSAIC_WIDTH * MOSAIC_HEIGHT * IMAGE_CHANNELS, 245);
  const rowBytes = IMAGE_WIDTH * IMAGE_CHANNELS;
  for (let i = 0; i < Math.min(count, MOSAIC_COLUMNS * MOSAIC_ROWS); i++) {
    const image = Buffer.from((await imageAt(i)).buffer, 0, IMAGE_BYTES);
    const x0 = (i % MOSAIC_COLUMNS) * (IMAGE_WIDTH + MOSAIC_GAP);
    const y0 = Math.floor(i / MOSAIC_COLUMNS) * (IMAGE_HEIGHT + MOSAIC_GAP);
    for (let y = 0; y < IMAGE_HEIGHT; y++) {
      image.copy(canvas, ((y0 + y) * MOSAIC_WIDTH + x0) * IMAGE_CHANNELS, y * rowBytes, (y + 1) * rowBytes);
    }
  }
  return (
    sharp(canvas, { raw: { width: MOSAIC_WIDTH, height: MOSAIC_HEIGHT, channels: IMAGE_CHANNELS } })
      // WebP keeps the page light (a lossless PNG of 72 noisy portraits is ~1.5 MB).
      .webp({ quality: 88 })
      .toBuffer()
  );
}
