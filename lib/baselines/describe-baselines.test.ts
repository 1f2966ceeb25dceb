import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReferenceCnn, type ReferenceCnnOptions } from "../ml/reference-cnn";
import { CNN_BASELINE_MODEL, cnnBaseline } from "./cnn";
import { colourFeaturesBaseline } from "./colour-features";
import { describeCnnConfig } from "./describe-cnn-config";
import { COLOUR_FEATURE_COUNT, describeColourFeatures } from "./extract-colour-features";

// The descriptions stored on the leaderboard are generated from the configurations that build
// the baselines: these tests change a configuration and expect the text to follow, and check
// the sizes the text states against the model tfjs actually builds.

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterAll(() => tf.disposeVariables());

/** "the last 4x3x128 feature map" -> [4, 3, 128] */
function statedLastMap(text: string): number[] {
  const m = /last (\d+)x(\d+)x(\d+) feature map/.exec(text);
  if (!m) throw new Error(`no feature map size in: ${text}`);
  return m.slice(1).map(Number);
}

/** The shape of the last conv block's output as tfjs builds it (the input of the flatten / GAP layer). */
function builtLastMap(config: ReferenceCnnOptions): number[] {
  const model = createReferenceCnn(tf, { seed: 1, ...config });
  try {
    const layer = model.getLayer(config.head === "flatten" ? "flatten" : "gap");
    return (layer.inputSpec?.[0]?.shape ?? (layer.input as tf.SymbolicTensor).shape).slice(1) as number[];
  } finally {
    model.dispose();
  }
}

describe("describeCnnConfig", () => {
  it("describes the cnn baseline's model as configured: 3x3 input pool, flatten head", () => {
    const text = describeCnnConfig(CNN_BASELINE_MODEL);
    expect(text).toContain("Four conv blocks");
    expect(text).toContain("16-32-64-128 channels");
    expect(text).toContain("average-pooled 3x3 (36x28)");
    expect(text).toContain("the last 4x3x128 feature map flattened");
    expect(text).toContain("dense layer of 64 units (dropout 0.25)");
    expect(text).not.toMatch(/global average|2x average|2x2 average/);
  });

  it("follows the configuration when it changes", () => {
    const base = describeCnnConfig(CNN_BASELINE_MODEL);
    const pooled2 = describeCnnConfig({ ...CNN_BASELINE_MODEL, inputPool: 2 });
    expect(pooled2).not.toEqual(base);
    expect(pooled2).toContain("average-pooled 2x2 (54x42)");
    expect(pooled2).toContain("last 6x5x128");

    const gap = describeCnnConfig({ ...CNN_BASELINE_MODEL, head: "global-average" });
    expect(gap).toContain("global average pooling of the last 4x3x128 feature map");
    expect(gap).not.toContain("flattened");

    const narrow = describeCnnConfig({ ...CNN_BASELINE_MODEL, channels: [8, 16, 32], dropout: 0, batchNorm: false });
    expect(narrow).toContain("Three conv blocks (3x3 conv, ReLU; 8-16-32 channels");
    expect(narrow).toContain("last 9x7x32");
    expect(narrow).not.toContain("dropout");

    expect(describeCnnConfig({})).toContain("on the full 108x84 image, global average pooling of the last 13x10x96 feature map");
  });

  it("states the feature-map size the built model really has", () => {
    const configs: ReferenceCnnOptions[] = [
      CNN_BASELINE_MODEL,
      { ...CNN_BASELINE_MODEL, inputPool: 2, head: "global-average" },
      { channels: [8, 16, 32], inputPool: 3 },
      {},
    ];
    for (const config of configs) expect(statedLastMap(describeCnnConfig(config))).toEqual(builtLastMap(config));
  });

  it("is what the cnn baseline stores as its description", () => {
    expect(cnnBaseline.description.startsWith(describeCnnConfig(CNN_BASELINE_MODEL))).toBe(true);
  });
});

describe("describeColourFeatures", () => {
  it("describes the regions and histogram the extractor uses", () => {
    const text = describeColourFeatures();
    expect(text).toContain(`9 fixed regions (top, crown, left, right, face, chin, lower-left, lower-right, clothes)`);
    expect(text).toContain("4x4x4 RGB histogram of the hair regions (top, crown, left, right)");
    expect(text).toContain(`${COLOUR_FEATURE_COUNT} features`);
    expect(colourFeaturesBaseline.description.startsWith(text)).toBe(true);
  });

  it("follows the region table when it changes", () => {
    const text = describeColourFeatures({ regions: [{ name: "top" }, { name: "face" }], hairRegions: ["top"], bins: 2 });
    expect(text).toContain("2 fixed regions (top, face)");
    expect(text).toContain("2x2x2 RGB histogram of the hair regions (top): 28 features");
  });
});
