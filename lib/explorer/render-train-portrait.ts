import fs from "node:fs/promises";
import sharp from "sharp";
import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";

/** Upscaling factor of explorer images: 168x216, big enough to see hair texture on any screen. */
export const PORTRAIT_SCALE = 2;

/**
 * One train portrait as WebP, straight from the train tensor cache: one positioned read of its
 * 27 KB, nearest-neighbour upscaled so pixels stay sharp instead of being smoothed by the
 * browser. Re-encoding also means no file metadata ever leaves the server.
 */
export async function renderTrainPortrait(options: { pixelsPath: string; position: number; scale?: number }): Promise<Buffer> {
  const { pixelsPath, position, scale = PORTRAIT_SCALE } = options;
  const pixels = Buffer.alloc(IMAGE_BYTES);
  const file = await fs.open(pixelsPath, "r");
  try {
    const { bytesRead } = await file.read(pixels, 0, IMAGE_BYTES, position * IMAGE_BYTES);
    if (bytesRead !== IMAGE_BYTES) throw new Error(`train cache ${pixelsPath} is truncated at image ${position}`);
  } finally {
    await file.close();
  }
  return sharp(pixels, { raw: { width: IMAGE_WIDTH, height: IMAGE_HEIGHT, channels: IMAGE_CHANNELS } })
    .resize(IMAGE_WIDTH * scale, IMAGE_HEIGHT * scale, { kernel: "nearest" })
    .webp({ quality: 90 })
    .toBuffer();
}
