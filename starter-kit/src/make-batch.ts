import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH, REAL_DATASET } from "./platform";

/**
 * How pixels become model inputs: (byte * scale - mean[c]) / std[c], per RGB channel, with the
 * dataset's channel statistics. manifest.json declares exactly these numbers, and the scorer
 * feeds the hidden test images the same way: change them here and the manifest follows.
 */
export const PIXEL_SCALING = {
  scale: 1 / 255,
  mean: [...REAL_DATASET.mean] as [number, number, number],
  std: [...REAL_DATASET.std] as [number, number, number],
};

/**
 * A normalised NHWC float batch ([rows.length, 108, 84, 3], row-major) of `images[rows[i]]`.
 * With `flip`, each image is mirrored left-right with probability 1/2 (a portrait's labels do
 * not depend on the side it faces).
 */
export function makeBatch(options: { images: Uint8Array[]; rows: ArrayLike<number>; flip?: () => boolean }): Float32Array {
  const { images, rows } = options;
  const { scale, mean, std } = PIXEL_SCALING;
  const x = new Float32Array(rows.length * IMAGE_BYTES);
  for (let i = 0; i < rows.length; i++) {
    const src = images[rows[i]];
    const flip = options.flip?.() ?? false;
    let d = i * IMAGE_BYTES;
    for (let y = 0; y < IMAGE_HEIGHT; y++) {
      for (let col = 0; col < IMAGE_WIDTH; col++) {
        const s = (y * IMAGE_WIDTH + (flip ? IMAGE_WIDTH - 1 - col : col)) * IMAGE_CHANNELS;
        for (let c = 0; c < IMAGE_CHANNELS; c++) x[d++] = (src[s + c] * scale - mean[c]) / std[c];
      }
    }
  }
  return x;
}
