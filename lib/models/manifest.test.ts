import { describe, expect, it } from "vitest";
import { parseManifest, validateManifest } from "./manifest";
import { makeManifest } from "../../test-support/models/model-fixtures";

describe("parseManifest", () => {
  it("accepts a complete manifest and defaults channelOrder to RGB", () => {
    const m = makeManifest("onnx");
    const { channelOrder: _omit, ...input } = m.input;
    const r = parseManifest(JSON.stringify({ ...m, input }));
    expect(r.ok && r.manifest.input.channelOrder).toBe("RGB");
  });

  it("accepts a BOM and shared outputs with slices", () => {
    const m = makeManifest("onnx");
    m.outputs.Gender = { output: "logits", classes: ["male", "female"], slice: [0, 2] };
    m.outputs.Hair_Color = { output: "logits", classes: ["black", "blond", "brown", "gray", "bald"], slice: [2, 7] };
    expect(parseManifest("\uFEFF" + JSON.stringify(m)).ok).toBe(true);
  });

  it("names every problem with its JSON path", () => {
    const m = makeManifest("onnx") as Record<string, unknown> & ReturnType<typeof makeManifest>;
    const bad = {
      ...m,
      format: "keras",
      extra: true,
      outputs: { ...m.outputs, Gender: { output: -1, classes: ["female", "female", "x"], slice: [0, 5] }, Hair_Type: undefined },
    };
    const r = validateManifest(JSON.parse(JSON.stringify(bad)));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      'manifest.json: format: expected one of "tfjs-layers", "tfjs-graph", "onnx"',
      "manifest.json: outputs.Gender.output: expected an output index >= 0",
      'manifest.json: outputs.Gender.classes: expected a permutation of [female, male]: duplicate "female"; missing "male"; unexpected "x"',
      "manifest.json: outputs.Gender.slice: [0, 5] covers 5 values but 3 classes are listed",
      "manifest.json: outputs.Hair_Type: missing (expected object)",
      'manifest.json: (root): unknown field(s) "extra"',
    ]);
  });

  it("checks that a slice covers exactly the listed classes", () => {
    const m = makeManifest("onnx");
    m.outputs.Hair_Type = { output: 0, classes: ["straight", "wavy", "bald"], slice: [7, 9] };
    const r = validateManifest(m);
    expect(!r.ok && r.errors).toEqual(["manifest.json: outputs.Hair_Type.slice: [7, 9] covers 2 values but 3 classes are listed"]);
  });
});
