import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IMAGE_BYTES } from "@/lib/challenge/definition";
import { drawGeneratorInputs, type ConditionProbabilities } from "@/lib/generation/draw-generator-inputs";
import { inspectGeneratorBundle } from "@/lib/generation/inspect-generator-bundle";
import { colourOf } from "@/test-support/generation/colour-networks";
import { writeTfjsGenerator } from "@/test-support/generation/tfjs-generators";
import { zipFolder } from "@/test-support/models/model-fixtures";
import { runGeneratorInSandbox } from "./run-generator-in-sandbox";

// tfjs-layers generators in the sandbox's generate mode (tfjs wasm backend, or tfjs-node when
// installed), built with tfjs in the test: the same walls, inputs, checks and output as ONNX ones.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-tfjs-generate-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PROBABILITIES: ConditionProbabilities = { Gender: [0.5, 0.5], Hair_Color: [0.2, 0.2, 0.2, 0.2, 0.2], Hair_Type: [0.4, 0.4, 0.2] };

async function run(kind: "conditional" | "unconditional" | "small", count: number) {
  const dir = path.join(tmp, kind);
  await writeTfjsGenerator(path.join(dir, "src"), kind);
  fs.writeFileSync(path.join(dir, "g.zip"), zipFolder(path.join(dir, "src")));
  const inspected = await inspectGeneratorBundle({ file: path.join(dir, "g.zip"), destDir: path.join(dir, "bundle") });
  if (!inspected.ok) throw new Error(inspected.errors.join("\n"));
  const outFile = path.join(dir, "out.u8");
  const result = await runGeneratorInSandbox({
    bundleDir: inspected.dir!,
    outFile,
    count,
    seed: 4,
    conditionProbabilities: kind === "conditional" ? PROBABILITIES : undefined,
  });
  return { result, outFile };
}

describe("tfjs-layers generators in the sandbox", () => {
  it("feeds a functional model its latents and requested attributes by input name and returns the images it paints", async () => {
    const count = 70; // batchSize 32: two full batches and a short one
    const { result, outFile } = await run("conditional", count);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, stats: { images: count } });
    const pixels = fs.readFileSync(outFile);
    expect(pixels.length).toBe(count * IMAGE_BYTES);
    const classes = drawGeneratorInputs({ seed: 4, start: 0, count, conditionProbabilities: PROBABILITIES }).classes!;
    for (const i of [0, 31, 32, 69]) {
      const want = colourOf([classes[i * 3], classes[i * 3 + 1], classes[i * 3 + 2]]).map((v) => Math.round(v * 255));
      // First and last pixel of the image: the upsampled flat colour everywhere (float32 levels: within 1 of the rounding).
      const first = [...pixels.subarray(i * IMAGE_BYTES, i * IMAGE_BYTES + 3)];
      const last = [...pixels.subarray((i + 1) * IMAGE_BYTES - 3, (i + 1) * IMAGE_BYTES)];
      expect(last, `image ${i}`).toEqual(first);
      first.forEach((v, c) => expect(Math.abs(v - want[c]), `image ${i} channel ${c}`).toBeLessThanOrEqual(1));
    }
  });

  it("runs a Sequential unconditional model: colour 0.5 + z0 / 10 from the platform's latents", async () => {
    const { result, outFile } = await run("unconditional", 5);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const pixels = fs.readFileSync(outFile);
    const z = drawGeneratorInputs({ seed: 4, start: 0, count: 5 }).latents;
    for (let i = 0; i < 5; i++) {
      const v = Math.round(Math.min(1, Math.max(0, 0.5 + z[i * 64] / 10)) * 255);
      expect(Math.abs(pixels[i * IMAGE_BYTES] - v), `image ${i}`).toBeLessThanOrEqual(1);
    }
  });

  it("fails a model whose images have the wrong size, naming the shape", async () => {
    const { result } = await run("small", 4);
    expect(result).toMatchObject({ ok: false, reason: "invalid-output" });
    expect(result.ok ? "" : result.message).toMatch(
      /output "images" has shape \[4, 54, 42, 3\] for 4 latents; with layout NHWC it must be \[4, 108, 84, 3\]/,
    );
  });
});
