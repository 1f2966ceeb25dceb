import { describe, expect, it } from "vitest";
import { IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import { argmaxHead } from "./decode-model-outputs";
import { preprocessImages } from "./preprocess-images";

describe("preprocessImages", () => {
  const pixels = new Uint8Array(2 * IMAGE_BYTES);
  // Image 1, pixel (y=2, x=5) = RGB (10, 20, 30).
  const at = IMAGE_BYTES + (2 * IMAGE_WIDTH + 5) * 3;
  pixels.set([10, 20, 30], at);
  const input = { scale: 1, mean: [1, 2, 3] as [number, number, number], std: [2, 4, 8] as [number, number, number] };

  it("NHWC RGB", () => {
    const out = preprocessImages(pixels, 2, { ...input, layout: "NHWC", channelOrder: "RGB" });
    expect(Array.from(out.subarray(at, at + 3))).toEqual([(10 - 1) / 2, (20 - 2) / 4, (30 - 3) / 8]);
  });

  it("NCHW BGR: mean/std apply to the model's channels", () => {
    const out = preprocessImages(pixels, 2, { ...input, layout: "NCHW", channelOrder: "BGR" });
    const plane = IMAGE_HEIGHT * IMAGE_WIDTH;
    const k = 2 * IMAGE_WIDTH + 5;
    expect([0, 1, 2].map((c) => out[(3 + c) * plane + k])).toEqual([(30 - 1) / 2, (20 - 2) / 4, (10 - 3) / 8]);
  });
});

describe("argmaxHead", () => {
  const head = { output: 0, classes: ["female", "male"] };
  it("takes the first maximum per row and honours slices", () => {
    const r = argmaxHead({
      attr: "Gender",
      head: { ...head, slice: [1, 3] },
      outputLabel: "#0",
      data: new Float32Array([9, 1, 2, 9, 5, 5]),
      dims: [2, 3],
      count: 2,
    });
    expect(r.ok && Array.from(r.indices)).toEqual([1, 0]);
  });

  it("refuses NaN and wrong shapes with the attribute, output and test image", () => {
    expect(argmaxHead({ attr: "Gender", head, outputLabel: '"g"', data: [0, NaN], dims: [1, 2], count: 1, offset: 40 })).toEqual({
      ok: false,
      message: 'outputs.Gender (output "g"): the model produced NaN for test image 40 (class "male"); outputs must be numbers',
    });
    const r = argmaxHead({ attr: "Gender", head, outputLabel: '"g"', data: [0, 1, 2], dims: [1, 3], count: 1 });
    expect(!r.ok && r.message).toMatch(/returned shape \[1, 3\] for a batch of 1 images; expected \[1, 2\]/);
  });
});
