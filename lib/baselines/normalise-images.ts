import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../challenge/definition";

/**
 * uint8 HWC images to the float NHWC batch a model trained with the manifest's
 * `(pixel * scale - mean) / std` expects, optionally with a light random augmentation drawn
 * per image:
 *   - a horizontal flip (portraits are roughly symmetric; no label depends on the side);
 *   - a shift of up to `shift` pixels each way, edges repeated (framing and pose vary);
 *   - a brightness/contrast change of a few percent (exposure varies). Kept small on purpose:
 *     hair colour is a colour, and gray, blond and brown differ by brightness too.
 * The augmentation is applied in the same pass as the normalisation: one read of each pixel.
 */
export interface AugmentOptions {
  random: () => number;
  /** Largest shift in pixels each way (default 4). */
  shift?: number;
  /** Largest relative contrast change (default 0.05). */
  contrast?: number;
  /** Largest brightness offset on the 0..1 scale (default 0.02). */
  brightness?: number;
}

export function normaliseImages(options: {
  pixels: Uint8Array;
  count: number;
  mean: readonly number[];
  std: readonly number[];
  augment?: AugmentOptions;
  into?: Float32Array;
}): Float32Array {
  const { pixels, count, mean, std, augment } = options;
  const out =
    options.into && options.into.length >= count * IMAGE_BYTES
      ? options.into.subarray(0, count * IMAGE_BYTES)
      : new Float32Array(count * IMAGE_BYTES);
  const W = IMAGE_WIDTH;
  const H = IMAGE_HEIGHT;
  const C = IMAGE_CHANNELS;
  // Per channel: out = byte * a[c] + b[c], folding scale 1/255, contrast, brightness, mean, std.
  const a = new Float32Array(C);
  const b = new Float32Array(C);
  const cols = new Int32Array(W);
  for (let i = 0; i < count; i++) {
    let flip = false;
    let dx = 0;
    let dy = 0;
    let gain = 1;
    let offset = 0;
    if (augment) {
      const r = augment.random;
      const shift = augment.shift ?? 4;
      flip = r() < 0.5;
      dx = Math.round((r() * 2 - 1) * shift);
      dy = Math.round((r() * 2 - 1) * shift);
      gain = 1 + (r() * 2 - 1) * (augment.contrast ?? 0.05);
      offset = (r() * 2 - 1) * (augment.brightness ?? 0.02);
    }
    // Contrast about mid-grey, then brightness: v' = (v - 0.5) * gain + 0.5 + offset.
    for (let c = 0; c < C; c++) {
      a[c] = gain / 255 / std[c];
      b[c] = (0.5 - 0.5 * gain + offset - mean[c]) / std[c];
    }
    for (let x = 0; x < W; x++) {
      const sx = Math.min(W - 1, Math.max(0, (flip ? W - 1 - x : x) - dx));
      cols[x] = sx * C;
    }
    const src = i * IMAGE_BYTES;
    for (let y = 0; y < H; y++) {
      const sy = Math.min(H - 1, Math.max(0, y - dy));
      const srcRow = src + sy * W * C;
      let d = src + y * W * C;
      for (let x = 0; x < W; x++) {
        const s = srcRow + cols[x];
        out[d] = pixels[s] * a[0] + b[0];
        out[d + 1] = pixels[s + 1] * a[1] + b[1];
        out[d + 2] = pixels[s + 2] * a[2] + b[2];
        d += 3;
      }
    }
  }
  return out;
}
