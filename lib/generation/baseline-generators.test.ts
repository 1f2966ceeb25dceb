import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { IMAGE_BYTES } from "../challenge/definition";
import { mulberry32 } from "../random/mulberry32";
import { buildResamplingGenerator } from "./build-resampling-generator";
import { drawGeneratorInputs } from "./draw-generator-inputs";
import { fitEigenportraits } from "./fit-eigenportraits";

async function generate(onnx: Uint8Array, count: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx);
  const z = drawGeneratorInputs({ seed: 4, start: 0, count }).latents;
  const out = await session.run({ latent: new ort.Tensor("float32", z, [count, 64]) });
  await session.release();
  expect(out.images.dims).toEqual([count, 108, 84, 3]);
  return out.images.data as Float32Array;
}

describe("baseline generators", () => {
  it("resampling returns exact table rows, spread over the table", async () => {
    const k = 8;
    const table = new Uint8Array(k * IMAGE_BYTES);
    for (let r = 0; r < k; r++) table.fill(r * 30, r * IMAGE_BYTES, (r + 1) * IMAGE_BYTES);
    const images = await generate(buildResamplingGenerator({ images: table, count: k }).onnx, 400);
    const seen = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const v = images[i * IMAGE_BYTES];
      expect(images[i * IMAGE_BYTES + IMAGE_BYTES - 1]).toBe(v);
      expect(v % 30).toBe(0);
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    expect(seen.size).toBe(k);
    for (const n of seen.values()) expect(n).toBeGreaterThan(20); // about 50 each
  });

  it("the PCA sampler recovers a low-rank pixel distribution's mean and variance", async () => {
    // 300 images = 100 + 3 random directions with standard deviations 40, 20, 10.
    const rand = mulberry32(3);
    const dirs = [0, 1, 2].map(() => {
      const v = Float64Array.from({ length: IMAGE_BYTES }, () => rand() - 0.5);
      const n = Math.hypot(...v.subarray(0, 4096)) * Math.sqrt(IMAGE_BYTES / 4096);
      return v.map((x) => x / n);
    });
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const count = 300;
    const images = new Uint8Array(count * IMAGE_BYTES);
    for (let i = 0; i < count; i++) {
      const c = [40 * gauss(), 20 * gauss(), 10 * gauss()];
      for (let p = 0; p < IMAGE_BYTES; p++)
        images[i * IMAGE_BYTES + p] = Math.round(
          Math.min(255, Math.max(0, 100 + c[0] * dirs[0][p] * 60 + c[1] * dirs[1][p] * 60 + c[2] * dirs[2][p] * 60)),
        );
    }
    const fit = await fitEigenportraits({ images, count, iterations: 2 });
    expect(fit.explained).toBeGreaterThan(0.9);
    expect(fit.variances[0]).toBeGreaterThan(fit.variances[1]);
    expect(fit.variances[1]).toBeGreaterThan(fit.variances[2]);
    expect(fit.variances[3]).toBeLessThan(fit.variances[2] / 5);
    const mean = fit.mean.reduce((s, v) => s + v, 0) / IMAGE_BYTES;
    expect(mean).toBeGreaterThan(95);
    expect(mean).toBeLessThan(105);
  });
});
