import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { CLASSES, IMAGE_BYTES } from "@/lib/challenge/definition";
import { checkTfjsModel } from "@/lib/models/check-tfjs-model";
import { DEFAULT_MODEL_BUNDLE_LIMITS } from "@/lib/models/limits";
import { parseManifest } from "@/lib/models/manifest";
import { preprocessImages } from "@/lib/models/preprocess-images";
import { loadTfjsPredictor } from "@/scorer/sandbox/tfjs-runner";
import type { SandboxConfig } from "@/scorer/sandbox/protocol";
import { buildLayersManifest, loadLayersModel, readModelArtifacts, saveLayersModel } from "../../lib/ml/model-io";
import { countConvFlops, createReferenceCnn } from "../../lib/ml/reference-cnn";

let dir: string;

beforeAll(async () => {
  // The pure-JS backend: these models are a few thousand weights, and it needs no wasm binaries.
  await tf.setBackend("cpu");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-model-io-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fileSizes(root: string): Map<string, number> {
  return new Map(fs.readdirSync(root).map((f) => [f, fs.statSync(path.join(root, f)).size]));
}

describe("reference CNN", () => {
  it("is ~40 MFLOP per image forward with three softmax heads named after the attributes", () => {
    const model = createReferenceCnn(tf, { seed: 1 });
    const flops = countConvFlops(model);
    expect(flops.total).toBeGreaterThan(36e6);
    expect(flops.total).toBeLessThan(44e6);
    // conv1: 2 * 3*3 * 3 * 12 * 108*84
    expect(flops.perLayer.find((l) => l.name === "conv1")?.flops).toBe(2 * 9 * 3 * 12 * 108 * 84);
    expect(model.outputNames).toEqual(["Gender", "Hair_Color", "Hair_Type"]);
    expect(model.outputs.map((o) => o.shape[1])).toEqual([2, 5, 3]);
    expect(model.inputs[0].shape).toEqual([null, 108, 84, 3]);
    model.dispose();
  });
});

describe("model IO", () => {
  it("saves model.json + weights.bin + manifest.json that tfjs and the scorer's checks accept, and loads them back", async () => {
    const model = createReferenceCnn(tf, { seed: 3, channels: [4, 8], denseUnits: 8 });
    const bundle = path.join(dir, "bundle");
    const saved = await saveLayersModel(model, bundle, { manifest: { name: "test", mean: [0.5, 0.4, 0.3], std: [0.25, 0.25, 0.25] } });
    expect(fs.readdirSync(bundle).sort()).toEqual(["manifest.json", "model.json", "weights.bin"]);
    // every weight (trainable and batch-norm statistics) as float32
    expect(saved.weightBytes).toBe(model.weights.reduce((a, w) => a + w.shape.reduce((p: number, d) => p * (d as number), 1), 0) * 4);

    const manifest = parseManifest(fs.readFileSync(path.join(bundle, "manifest.json"), "utf8"));
    expect(manifest.ok).toBe(true);
    if (!manifest.ok) return;
    expect(manifest.manifest).toMatchObject({
      format: "tfjs-layers",
      model: "model.json",
      input: { layout: "NHWC", scale: 1 / 255, mean: [0.5, 0.4, 0.3] },
    });
    expect(manifest.manifest.outputs.Hair_Color).toEqual({ output: "Hair_Color", classes: [...CLASSES.Hair_Color] });

    const modelJson = JSON.parse(fs.readFileSync(saved.modelJson, "utf8"));
    expect(modelJson.format).toBe("layers-model");
    expect(modelJson.weightsManifest[0].paths).toEqual(["weights.bin"]);
    const checked = checkTfjsModel({
      modelJson,
      modelPath: "model.json",
      fileSizes: fileSizes(bundle),
      manifest: manifest.manifest,
      limits: DEFAULT_MODEL_BUNDLE_LIMITS,
    });
    expect(checked.ok ? [] : checked.errors).toEqual([]);

    // Round trip: same predictions.
    const x = tf.randomUniform([3, 108, 84, 3]);
    const before = (model.predict(x) as tf.Tensor[]).map((t) => t.arraySync());
    const loaded = await loadLayersModel(bundle);
    const after = (loaded.predict(x) as tf.Tensor[]).map((t) => t.arraySync());
    expect(after).toEqual(before);
    // And tf.loadLayersModel straight from the artifacts (what any tfjs user would do).
    const again = await tf.loadLayersModel(tf.io.fromMemory(readModelArtifacts(saved.modelJson)));
    expect(again.outputNames).toEqual(["Gender", "Hair_Color", "Hair_Type"]);
    tf.dispose([x, model, loaded, again] as unknown as tf.Tensor[]);
  });

  it("runs through the scorer's tfjs-layers loader and gives the model's own argmax", async () => {
    const model = createReferenceCnn(tf, { seed: 5, channels: [4, 8], denseUnits: 8 });
    const bundle = path.join(dir, "scorer-bundle");
    await saveLayersModel(model, bundle, { manifest: {} });
    const manifest = parseManifest(fs.readFileSync(path.join(bundle, "manifest.json"), "utf8"));
    if (!manifest.ok) throw new Error(manifest.errors.join("\n"));
    const cfg = {
      bundleDir: bundle,
      manifest: manifest.manifest,
      imagesFile: "",
      count: 0,
      threads: 1,
      backend: "tfjs-wasm",
      checkLimits: DEFAULT_MODEL_BUNDLE_LIMITS,
    } as SandboxConfig;
    const predictor = await loadTfjsPredictor(tf, cfg);
    const n = 4;
    const pixels = new Uint8Array(n * IMAGE_BYTES);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 256;
    const idx = await predictor.predict(pixels, n, 0);

    const input = new Float32Array(n * IMAGE_BYTES);
    preprocessImages(pixels, n, manifest.manifest.input, input);
    const outs = model.predict(tf.tensor4d(input, [n, 108, 84, 3])) as tf.Tensor[];
    const expected = new Uint8Array(n * 3);
    outs.forEach((o, a) => (o.argMax(-1).dataSync() as Int32Array).forEach((v, i) => (expected[i * 3 + a] = v)));
    expect(Array.from(idx)).toEqual(Array.from(expected));
  });

  it("builds manifests with custom output references and rejects invalid ones", () => {
    const model = createReferenceCnn(tf, { channels: [4], denseUnits: 4 });
    const m = buildLayersManifest(model, { outputs: { Gender: { output: 0, classes: ["male", "female"] } }, batchSize: 32 });
    expect(m.outputs.Gender).toEqual({ output: 0, classes: ["male", "female"] });
    expect(m.batchSize).toBe(32);
    expect(() => buildLayersManifest(model, { outputs: { Gender: { classes: ["male"] } } })).toThrow(/Gender/);
    model.dispose();
  });
});
