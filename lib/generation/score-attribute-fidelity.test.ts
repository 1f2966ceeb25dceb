import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IMAGE_BYTES } from "@/lib/challenge/definition";
import { colourFeatureNetwork, colourOf } from "@/test-support/generation/colour-networks";
import { drawGeneratorInputs, type ConditionProbabilities } from "./draw-generator-inputs";
import { createFeatureExtractor } from "./extract-image-features";
import type { RealFeatures } from "./load-real-features";
import { scoreGeneratedImages } from "./score-generated-images";

// Attribute fidelity through the scorer's own path (feature network heads in onnxruntime,
// scoreGeneratedImages), with images painted here in flat colours the colour network classifies.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-fidelity-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const COUNT = 300;
const SEED = 5;
const PROBABILITIES: ConditionProbabilities = { Gender: [0.6, 0.4], Hair_Color: [0.3, 0.3, 0.2, 0.1, 0.1], Hair_Type: [0.5, 0.4, 0.1] };
const requested = drawGeneratorInputs({ seed: SEED, start: 0, count: COUNT, conditionProbabilities: PROBABILITIES }).classes!;

/** An images file where image i is a flat colour: `colour(i)` in 0..1. */
function paint(name: string, colour: (i: number) => [number, number, number]): string {
  const file = path.join(tmp, name);
  const pixels = new Uint8Array(COUNT * IMAGE_BYTES);
  for (let i = 0; i < COUNT; i++) {
    const rgb = colour(i).map((v) => Math.round(v * 255));
    for (let p = 0; p < IMAGE_BYTES; p += 3) pixels.set(rgb, i * IMAGE_BYTES + p);
  }
  fs.writeFileSync(file, pixels);
  return file;
}

/** Real features: random, only there so the distribution metrics have something to compare with. */
function realFeatures(): RealFeatures {
  let s = 1;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const trainCount = 200;
  const testCount = 100;
  return {
    dimensions: 6,
    train: Float32Array.from({ length: trainCount * 6 }, rand),
    trainCount,
    test: Float32Array.from({ length: testCount * 6 }, rand),
    testSplit: Array.from({ length: testCount }, (_, i) => (i % 2 ? "private" : "public")),
  };
}

const follows = paint("follows.u8", (i) => colourOf([requested[i * 3], requested[i * 3 + 1], requested[i * 3 + 2]]));

async function score(options: { file: string; heads?: "declared" | "undeclared" | "none"; conditional?: boolean }) {
  const extractor = await createFeatureExtractor({ bundle: colourFeatureNetwork({ heads: options.heads }), threads: 1 });
  try {
    return await scoreGeneratedImages({
      imagesFile: options.file,
      count: COUNT,
      extractor,
      real: realFeatures(),
      seed: 1,
      requestedClasses: options.conditional === false ? undefined : requested,
    });
  } finally {
    await extractor.close();
  }
}

describe("attribute fidelity in scoreGeneratedImages", () => {
  it("is 1 per attribute for images that show what was requested, the same in both parts, with the grid of requested samples", async () => {
    const s = await score({ file: follows });
    expect(s.public.attributeFidelity).toEqual({ gender: 1, hairColor: 1, hairType: 1, mean: 1 });
    expect(s.public.attributeFidelityMean).toBe(1);
    expect(s.private.attributeFidelity).toEqual(s.public.attributeFidelity);
    const grid = s.public.attributeGrid!;
    // Every listed sample was requested with that class, the lists are the first ones, in order.
    grid.Hair_Type.bald.forEach((i) => expect(requested[i * 3 + 2]).toBe(2));
    const firstBald = Array.from({ length: COUNT }, (_, i) => i)
      .filter((i) => requested[i * 3 + 2] === 2)
      .slice(0, 4);
    expect(grid.Hair_Type.bald).toEqual(firstBald);
    expect(Object.values(grid.Gender).map((l) => l.length)).toEqual([4, 4]);
  });

  it("is at chance for images whose attributes do not depend on the request", async () => {
    // Shift every request by one image: same class shares, independent of what image i asked for.
    const shifted = paint("ignores.u8", (i) => {
      const j = (i + 1) % COUNT;
      return colourOf([requested[j * 3], requested[j * 3 + 1], requested[j * 3 + 2]]);
    });
    const s = await score({ file: shifted });
    const f = s.public.attributeFidelity!;
    // Independent with equal shares: expected macro-F1 = mean over classes of q_c = 1/k.
    expect(f.gender!).toBeGreaterThan(0.5 - 0.08);
    expect(f.gender!).toBeLessThan(0.5 + 0.08);
    expect(f.hairColor!).toBeGreaterThan(0.2 - 0.08);
    expect(f.hairColor!).toBeLessThan(0.2 + 0.08);
    expect(f.hairType!).toBeGreaterThan(1 / 3 - 0.08);
    expect(f.hairType!).toBeLessThan(1 / 3 + 0.08);
  });

  it("reads the heads of an older bundle that has them under the attribute names", async () => {
    const s = await score({ file: follows, heads: "undeclared" });
    expect(s.public.attributeFidelity?.mean).toBe(1);
  });

  it("reports fidelity as unavailable (null with a note) for a feature network without heads, and still scores", async () => {
    const s = await score({ file: follows, heads: "none" });
    expect(s.public.attributeFidelity).toBeNull();
    expect(s.public.attributeFidelityMean).toBeNull();
    expect(s.public.attributeFidelityNote).toMatch(/no attribute heads/);
    expect(s.public.attributeGrid).not.toBeNull();
    expect(Number.isFinite(s.public.fpd)).toBe(true);
  });

  it("is null for an unconditional generator (no requests), without a note or grid", async () => {
    const s = await score({ file: follows, conditional: false });
    expect(s.public).toMatchObject({ attributeFidelity: null, attributeFidelityMean: null, attributeGrid: null });
    expect(s.public.attributeFidelityNote).toBeUndefined();
  });
});
