import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "@/lib/challenge/definition";
import { drawGeneratorInputs } from "@/lib/generation/draw-generator-inputs";
import type { GeneratorManifest } from "@/lib/generation/generator-manifest";
import { inspectGeneratorBundle } from "@/lib/generation/inspect-generator-bundle";
import { OnnxGraphBuilder } from "@/lib/ml/onnx-training/onnx-graph-builder";
import { runGeneratorInSandbox } from "./run-generator-in-sandbox";

// Generate mode of the model sandbox, with tiny generators written by the project's ONNX writer:
// each image row y is 128 + 10 * (z . w_y), the same across the row and the channels.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-generate-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const W = Float32Array.from({ length: 64 * IMAGE_HEIGHT }, (_, i) => Math.sin(i));

function tinyGenerator(options: { height?: number; nan?: boolean; range?: GeneratorManifest["output"]["range"] } = {}) {
  const h = options.height ?? IMAGE_HEIGHT;
  const g = new OnnxGraphBuilder();
  const z = g.input("z", ["N", 64]);
  let rows = g.op("MatMul", [z, g.floatTensor("w", [64, h], W.subarray(0, 64 * h))]);
  rows = g.op("Add", [g.op("Mul", [rows, g.scalar(10)]), g.scalar(128)]);
  if (options.nan) rows = g.op("Sqrt", [g.op("Sub", [rows, g.scalar(1e6)])]);
  const img = g.op("Expand", [g.op("Reshape", [rows, g.ints([-1, h, 1, 1])]), g.ints([1, h, IMAGE_WIDTH, IMAGE_CHANNELS])]);
  g.output("images", img, ["N", IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS]);
  const manifest: GeneratorManifest = {
    format: "onnx",
    model: "model.onnx",
    latent: { input: "z", size: 64 },
    output: { name: "images", layout: "NHWC", range: options.range ?? "[0,255]" },
    batchSize: 16,
  };
  return { onnx: g.encode("tiny"), manifest };
}

let n = 0;
async function run(gen: ReturnType<typeof tinyGenerator>, count: number, limits: { wallSeconds?: number } = {}) {
  const dir = path.join(tmp, `run-${n++}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "g.onnx"), gen.onnx);
  const inspected = await inspectGeneratorBundle({
    file: path.join(dir, "g.onnx"),
    manifestJson: JSON.stringify(gen.manifest),
    destDir: path.join(dir, "bundle"),
  });
  if (!inspected.ok) throw new Error(inspected.errors.join("\n"));
  const outFile = path.join(dir, "out.u8");
  const result = await runGeneratorInSandbox({ bundleDir: inspected.dir!, outFile, count, seed: 9, limits });
  return { result, outFile };
}

describe("runGeneratorInSandbox", () => {
  it("feeds the platform's latents and streams the images to a file, clipped and rounded", async () => {
    const { result, outFile } = await run(tinyGenerator(), 40);
    expect(result).toMatchObject({ ok: true, stats: { images: 40 } });
    const pixels = fs.readFileSync(outFile);
    expect(pixels.length).toBe(40 * IMAGE_BYTES);
    const z = drawGeneratorInputs({ seed: 9, start: 0, count: 40 }).latents;
    for (const i of [0, 17, 39]) {
      for (const y of [0, 50, 107]) {
        let dot = 0;
        for (let k = 0; k < 64; k++) dot += z[i * 64 + k] * W[k * IMAGE_HEIGHT + y];
        const expected = Math.round(Math.min(255, Math.max(0, 128 + 10 * dot)));
        expect(Math.abs(pixels[i * IMAGE_BYTES + (y * IMAGE_WIDTH + 40) * 3 + 1] - expected)).toBeLessThanOrEqual(1);
      }
    }
  });

  it("refuses an output of the wrong shape, naming both shapes", async () => {
    const { result } = await run(tinyGenerator({ height: 100 }), 20);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe("invalid-output");
    expect(!result.ok && result.message).toMatch(/shape \[16, 100, 84, 3\] for 16 latents; with layout NHWC it must be \[16, 108, 84, 3\]/);
  });

  it("refuses NaN values instead of turning them into pixels", async () => {
    const { result } = await run(tinyGenerator({ nan: true }), 20);
    expect(!result.ok && result.reason).toBe("invalid-output");
    expect(!result.ok && result.message).toMatch(/image 0 has a value that is not a finite number \(NaN\)/);
  });

  it("stops a generator that exceeds the wall-clock limit", async () => {
    const { result } = await run(tinyGenerator(), 50_000, { wallSeconds: 2 });
    expect(!result.ok && result.reason).toBe("wall-clock");
    expect(!result.ok && result.message).toMatch(/did not finish within 2 s \(\d+ of 50000 images/);
  });
});
