import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";
import { encodeRgbPng } from "../dataset/encode-rgb-png";

/** Images per row of a gallery sheet: 64 samples make an 8 x 8 sheet of 672 x 864 pixels. */
export const SHEET_COLUMNS = 8;

/**
 * Portraits (84x108 RGB, HWC, one after another in `pixels`) laid out on one PNG, `columns` per
 * row, left to right then top to bottom; unused cells of the last row stay black. The page
 * shows one cell at a time as a CSS sprite (background-position), so a gallery of 64 images is
 * one request and one blob.
 */
export function composeImageSheet(options: { pixels: Uint8Array; count: number; columns?: number }): Buffer {
  const { pixels, count } = options;
  const columns = options.columns ?? SHEET_COLUMNS;
  if (count < 1 || pixels.length < count * IMAGE_BYTES)
    throw new Error(`composeImageSheet: ${count} images need ${count * IMAGE_BYTES} bytes`);
  const rows = Math.ceil(count / columns);
  const width = columns * IMAGE_WIDTH;
  const sheet = new Uint8Array(rows * IMAGE_HEIGHT * width * 3);
  const rowBytes = IMAGE_WIDTH * 3;
  for (let i = 0; i < count; i++) {
    const x0 = (i % columns) * IMAGE_WIDTH;
    const y0 = Math.floor(i / columns) * IMAGE_HEIGHT;
    for (let y = 0; y < IMAGE_HEIGHT; y++) {
      const from = i * IMAGE_BYTES + y * rowBytes;
      sheet.set(pixels.subarray(from, from + rowBytes), ((y0 + y) * width + x0) * 3);
    }
  }
  return encodeRgbPng(sheet, width, rows * IMAGE_HEIGHT);
}
