import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipFolder } from "@/test-support/models/model-fixtures";
import { writeTfjsGenerator } from "@/test-support/generation/tfjs-generators";
import { inspectGeneratorBundle } from "./inspect-generator-bundle";

// tfjs-layers generators at upload: the same container checks as ONNX ones, then model.json
// against the manifest (inputs, output, weights, classes). Models are built with tfjs here.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-tfjs-gen-check-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const conditional = path.join(tmp, "conditional");
const unconditional = path.join(tmp, "unconditional");
beforeAll(async () => {
  await writeTfjsGenerator(conditional, "conditional");
  await writeTfjsGenerator(unconditional, "unconditional");
});

let n = 0;
/** Zips a copy of `dir` after `edit` changed its files; returns inspectGeneratorBundle's answer. */
async function inspect(
  dir: string,
  edit: (files: { manifest: Record<string, unknown>; model: Record<string, unknown>; copy: string }) => void = () => {},
) {
  const copy = path.join(tmp, `copy-${n++}`);
  fs.cpSync(dir, copy, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(copy, "manifest.json"), "utf8"));
  const model = JSON.parse(fs.readFileSync(path.join(copy, "model.json"), "utf8"));
  edit({ manifest, model, copy });
  fs.writeFileSync(path.join(copy, "manifest.json"), JSON.stringify(manifest));
  fs.writeFileSync(path.join(copy, "model.json"), JSON.stringify(model));
  const zip = `${copy}.zip`;
  fs.writeFileSync(zip, zipFolder(copy));
  return inspectGeneratorBundle({ file: zip, destDir: path.join(tmp, `out-${n}`) });
}

describe("tfjs-layers generators at upload", () => {
  it("accepts a functional conditional model and a Sequential unconditional one, extracting model.json, weights and manifest", async () => {
    const a = await inspect(conditional);
    expect(a.ok, JSON.stringify(a)).toBe(true);
    if (!a.ok) return;
    expect(a.manifest).toMatchObject({ format: "tfjs-layers", condition: { input: "attributes" } });
    expect(fs.readdirSync(a.dir!).sort()).toEqual(["manifest.json", "model.json", "weights.bin"]);
    expect((await inspect(unconditional)).ok).toBe(true);
  });

  it("names the manifest field when the inputs do not match", async () => {
    const r = await inspect(conditional, ({ manifest }) => (manifest.condition = { input: "cond" }));
    expect(r.ok ? [] : r.errors).toEqual([
      'model.json: input "attributes" is not fed by the platform (it feeds "z" and "cond"); remove other inputs',
      'manifest.json: condition.input: the model has no input "cond"; its inputs are "z", "attributes"',
    ]);
    const unfed = await inspect(conditional, ({ manifest }) => delete manifest.condition);
    expect(unfed.ok ? "" : unfed.errors.join("\n")).toMatch(/input "attributes" is not fed by the platform .*declares "condition"/);
  });

  it("refuses a Sequential model declared conditional, a wrong output name, a graph model and short weights", async () => {
    const seq = await inspect(unconditional, ({ manifest }) => (manifest.condition = { input: "attributes" }));
    expect(seq.ok ? "" : seq.errors.join("\n")).toMatch(
      /a Sequential model has one input; a conditional generator needs a functional model/,
    );
    const out = await inspect(conditional, ({ manifest }) => (manifest.output = { name: "pixels", layout: "NHWC", range: "[0,1]" }));
    expect(out.ok ? "" : out.errors.join("\n")).toMatch(
      /manifest.json: output.name: the model has no output "pixels"; its outputs are "images"/,
    );
    const graph = await inspect(conditional, ({ model }) => (model.modelTopology = { node: [] }));
    expect(graph.ok ? "" : graph.errors.join("\n")).toMatch(/this is a tfjs graph model; generators are accepted as tfjs-layers models/);
    const short = await inspect(conditional, ({ copy }) => fs.truncateSync(path.join(copy, "weights.bin"), 8));
    expect(short.ok ? "" : short.errors.join("\n")).toMatch(/hold 8 bytes/);
  });

  it("refuses a wrong input width and a custom layer class", async () => {
    const wide = await inspect(conditional, ({ model }) => {
      const layers = (model.modelTopology as { config: { layers: { config: { name: string; batch_input_shape?: unknown } }[] } }).config
        .layers;
      layers.find((l) => l.config.name === "z")!.config.batch_input_shape = [null, 32];
    });
    expect(wide.ok ? "" : wide.errors.join("\n")).toMatch(/input "z" is declared \[null, 32\]; it must be \[null, 64\]/);
    const custom = await inspect(unconditional, ({ model }) => {
      const layers = (model.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers;
      layers[1].class_name = "EvilLayer";
    });
    expect(custom.ok ? "" : custom.errors.join("\n")).toMatch(/not built into tfjs-layers: EvilLayer/);
  });

  it("refuses a bare model.json (tfjs generators come as a zip with their weights)", async () => {
    const file = path.join(tmp, "bare.json");
    fs.copyFileSync(path.join(unconditional, "model.json"), file);
    const r = await inspectGeneratorBundle({ file, manifestJson: fs.readFileSync(path.join(unconditional, "manifest.json"), "utf8") });
    expect(r.ok ? "" : r.errors.join("\n")).toMatch(
      /a single uploaded file must be an ONNX generator; upload a tfjs-layers model as a zip/,
    );
  });
});
