import { describe, expect, it } from "vitest";
import { checkGeneratorIo } from "./check-generator-io";
import { generatorManifest } from "./build-linear-generator";
import { parseGeneratorManifest, rangeToBytes } from "./generator-manifest";
import { drawGeneratorInputs } from "./draw-generator-inputs";

const valid = {
  format: "onnx",
  model: "model.onnx",
  latent: { input: "z", size: 64 },
  condition: { input: "attributes" },
  output: { name: "images", layout: "NCHW", range: "[-1,1]" },
};

const errorsOf = (json: unknown) => {
  const r = parseGeneratorManifest(typeof json === "string" ? json : JSON.stringify(json));
  return r.ok ? [] : r.errors;
};

describe("generator manifest", () => {
  it("accepts a conditional NCHW generator and the baselines' manifest", () => {
    const r = parseGeneratorManifest(JSON.stringify(valid));
    expect(r.ok && r.manifest.condition?.input).toBe("attributes");
    expect(parseGeneratorManifest(JSON.stringify(generatorManifest())).ok).toBe(true);
  });

  it("names the JSON path and what is expected for each mistake", () => {
    expect(errorsOf("{")).toEqual([expect.stringMatching(/^manifest.json: not valid JSON/)]);
    expect(errorsOf({ ...valid, format: "tfjs-graph" })).toEqual([
      'manifest.json: format: must be "onnx" or "tfjs-layers" (a tfjs graph model is not accepted: save the layers model)',
    ]);
    expect(errorsOf({ ...valid, format: "tfjs-layers" })).toEqual([
      'manifest.json: model: must name the tfjs model.json, like "model.json"',
    ]);
    expect(errorsOf({ ...valid, format: "tfjs-layers", model: "gen/model.json" })).toEqual([]);
    expect(errorsOf({ ...valid, latent: { input: "z", size: 128 } })).toEqual([
      "manifest.json: latent.size: must be 64: every generator gets [N, 64] latents",
    ]);
    expect(errorsOf({ ...valid, output: { ...valid.output, range: "0..1" } })[0]).toMatch(
      /^manifest.json: output.range: must be one of "\[-1,1\]", "\[0,1\]", "\[0,255\]"/,
    );
    expect(errorsOf({ ...valid, output: { ...valid.output, layout: "HWC" } })[0]).toMatch(/^manifest.json: output.layout: must be "NHWC"/);
    expect(errorsOf({ ...valid, model: "model.pt" })[0]).toMatch(/^manifest.json: model: must name the .onnx file/);
    expect(errorsOf({ ...valid, latent: undefined })).toEqual(["manifest.json: latent: missing (expected object)"]);
    expect(errorsOf({ ...valid, extra: 1 })).toEqual(['manifest.json: (root): unknown field(s) "extra"']);
    expect(errorsOf({ ...valid, condition: { input: "z" } })).toEqual(["manifest.json: condition.input: must differ from latent.input"]);
    expect(errorsOf({ ...valid, batchSize: 1000 })[0]).toMatch(/^manifest.json: batchSize: /);
    expect(errorsOf("x".repeat(70_000))[0]).toMatch(/a manifest may be at most 64 KB/);
  });

  it("checks the model's inputs and output against the manifest", () => {
    const r = parseGeneratorManifest(JSON.stringify(valid));
    if (!r.ok) throw new Error("fixture");
    const good = {
      inputs: [
        { name: "z", elemType: 1, dims: ["N", 64] },
        { name: "attributes", elemType: 1, dims: ["N", 10] },
      ],
      outputs: [{ name: "images", elemType: 1, dims: ["N", 3, 108, 84] }],
    };
    expect(checkGeneratorIo(good, r.manifest)).toMatchObject({ errors: [], outputName: "images" });
    const bad = checkGeneratorIo(
      {
        inputs: [
          { name: "z", elemType: 1, dims: ["N", 100] },
          { name: "noise", elemType: 1, dims: ["N", 4] },
        ],
        outputs: [{ name: "images", elemType: 1, dims: ["N", 108, 84, 3] }],
      },
      r.manifest,
    ).errors;
    expect(bad).toEqual([
      'model.onnx: input "z" is declared [N, 100]; it must be [N, 64]',
      'manifest.json: condition.input: the model has no input "attributes"; its inputs are "z", "noise"',
      'model.onnx: input(s) "noise" are not fed by the platform (it feeds "z" and "attributes"); remove other inputs',
      'model.onnx: output "images" is declared [N, 108, 84, 3]; with layout NCHW it must be [N, 3, 108, 84]',
    ]);
  });

  it("maps each range onto 0..255", () => {
    for (const range of ["[-1,1]", "[0,1]", "[0,255]"] as const) {
      const { scale, offset, min, max } = rangeToBytes(range);
      expect([min * scale + offset, max * scale + offset]).toEqual([0, 255]);
    }
  });

  it("draws the same inputs for an image whatever the batch, one-hot conditions from the shares", () => {
    const whole = drawGeneratorInputs({ seed: 5, start: 0, count: 10 });
    const tail = drawGeneratorInputs({ seed: 5, start: 6, count: 4 });
    expect(Array.from(tail.latents)).toEqual(Array.from(whole.latents.subarray(6 * 64)));
    expect(drawGeneratorInputs({ seed: 6, start: 0, count: 1 }).latents[0]).not.toBe(whole.latents[0]);
    const p = { Gender: [0, 1], Hair_Color: [0, 0, 1, 0, 0], Hair_Type: [0.5, 0.5, 0] };
    const c = drawGeneratorInputs({ seed: 1, start: 0, count: 200, conditionProbabilities: p });
    for (let i = 0; i < 200; i++) {
      const row = Array.from(c.conditions!.subarray(i * 10, i * 10 + 10));
      expect(row.reduce((s, v) => s + v, 0)).toBe(3);
      expect(row[1]).toBe(1); // male
      expect(row[2 + 2]).toBe(1); // brown
      expect(row[9]).toBe(0); // never bald
    }
  });
});
