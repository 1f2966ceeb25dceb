import { IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import type { Manifest } from "./manifest";

/**
 * Turns a batch of cached test images (uint8, HWC, RGB, row-major) into the float32 tensor a
 * model declared in its manifest: `(pixel * scale - mean[c]) / std[c]` with `c` the channel in
 * the model's order (BGR swaps R and B first), laid out NHWC or NCHW.
 */
export function preprocessImages(pixels: Uint8Array, count: number, input: Manifest["input"], out?: Float32Array): Float32Array {
  const H = IMAGE_HEIGHT;
  const W = IMAGE_WIDTH;
  const C = IMAGE_CHANNELS;
  const plane = H * W;
  const size = count * plane * C;
  if (pixels.length < size) throw new Error(`expected ${size} bytes for ${count} images, got ${pixels.length}`);
  const dst = out && out.length >= size ? out.subarray(0, size) : new Float32Array(size);

  // One 256-entry table per model channel: the per-pixel work is then a lookup.
  const luts: Float32Array[] = [];
  for (let c = 0; c < C; c++) {
    const lut = new Float32Array(256);
    for (let p = 0; p < 256; p++) lut[p] = (p * input.scale - input.mean[c]) / input.std[c];
    luts.push(lut);
  }
  // Source channel (RGB) feeding each model channel.
  const srcOf = input.channelOrder === "BGR" ? [2, 1, 0] : [0, 1, 2];

  if (input.layout === "NHWC") {
    for (let i = 0, px = 0; px < count * plane; px++, i += C) {
      for (let c = 0; c < C; c++) dst[i + c] = luts[c][pixels[i + srcOf[c]]];
    }
  } else {
    for (let n = 0; n < count; n++) {
      const srcBase = n * plane * C;
      for (let c = 0; c < C; c++) {
        const lut = luts[c];
        const s = srcOf[c];
        const dstBase = (n * C + c) * plane;
        for (let k = 0; k < plane; k++) dst[dstBase + k] = lut[pixels[srcBase + k * C + s]];
      }
    }
  }
  return dst;
}

/** Input tensor shape for a batch. */
export function inputShape(count: number, layout: "NHWC" | "NCHW"): [number, number, number, number] {
  return layout === "NHWC" ? [count, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS] : [count, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH];
}
