import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_BYTES } from "@/lib/challenge/definition";
import { buildPaths } from "@/lib/dataset/layout";
import { encodeRgbPng } from "@/lib/dataset/encode-rgb-png";
import { buildLinearGenerator } from "@/lib/generation/build-linear-generator";
import { drawNormals } from "@/lib/generation/draw-normals";
import { trainFeatureNetwork } from "@/lib/generation/train-feature-network";
import { colourGenerator } from "@/test-support/generation/colour-networks";
import { setUpScoringFixture } from "@/test-support/scoring/set-up-scoring-fixture";

// `npm run score -- --track generation`, as a real process, on a 150-portrait dataset with a
// feature network trained for one epoch on its 120 train images.

const ROOT = path.resolve(__dirname, "..");
const fixture = setUpScoringFixture({ count: 150, seed: 21 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-score-gen-cli-"));
let featureNetwork = "";

beforeAll(async () => {
  const trained = await trainFeatureNetwork({ cacheDir: buildPaths(fixture.buildDir).cacheDir, outDir: tmp, epochs: 1 });
  featureNetwork = trained.file;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The CLI's run with the trained feature network; resolves with its exit code and output. */
function score(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "scorer", "score-cli.ts"), "--track", "generation", ...args, "--feature-network", featureNetwork],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: fixture.dataDir, DATABASE_URL: `file:${path.join(tmp, "unused.sqlite")}` },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr += b));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Writes the generator's model and manifest as NAME.onnx and NAME.json (a bare upload) and scores them. */
function scoreGenerator(name: string, generator: { onnx: Uint8Array; manifest: unknown }, args: string[] = []) {
  const model = path.join(tmp, `${name}.onnx`);
  const manifest = path.join(tmp, `${name}.json`);
  fs.writeFileSync(model, generator.onnx);
  fs.writeFileSync(manifest, JSON.stringify(generator.manifest));
  return score(["--model", model, "--manifest", manifest, ...args]);
}

describe("npm run score -- --track generation", () => {
  it("runs a generator in the sandbox and prints the metrics with the documented top-level keys", async () => {
    const g = buildLinearGenerator({
      mean: new Float32Array(IMAGE_BYTES).fill(128),
      basis: drawNormals({ seed: 3, count: 64 * IMAGE_BYTES }).map((v) => v * 4),
    });
    const r = await scoreGenerator("g", g, ["--count", "1000"]);
    expect(r.stderr).toMatch(/generated 1000 images/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ["main", "fpd", "kid", "precision", "recall", "density", "coverage", "nearCopyShare"])
      expect(typeof out[key], key).toBe("number");
    expect(out.higherIsBetter).toBe(false);
    expect(typeof out.memorised).toBe("boolean");
    expect(out.nearCopyShare).toBeGreaterThanOrEqual(0);
    expect(out.nearCopyShare).toBeLessThanOrEqual(1);
    expect(out.main).toBeCloseTo(out.fpd * out.penalty, 6);
    // Unconditional: no requested attributes to be faithful to.
    expect(out.attributeFidelity).toBeNull();
    expect(out).toMatchObject({
      track: "generation",
      kind: "generator",
      samples: 1000,
      public: { main: out.main },
      private: { main: expect.any(Number) },
    });
  });

  it("prints the attribute fidelity of a conditional generator, per attribute and their mean", async () => {
    const r = await scoreGenerator("c", colourGenerator("follows"), ["--count", "1000"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const f = out.attributeFidelity;
    for (const key of ["gender", "hairColor", "hairType", "mean"]) {
      expect(f[key], key).toBeGreaterThanOrEqual(0);
      expect(f[key], key).toBeLessThanOrEqual(1);
    }
    expect(f.mean).toBeCloseTo((f.gender + f.hairColor + f.hairType) / 3, 10);
    expect(out.attributeFidelityMean).toBe(f.mean);
    expect(Object.keys(out.attributeGrid)).toEqual(["Gender", "Hair_Color", "Hair_Type"]);
  });

  it("refuses an images folder without exactly N PNGs (exit 1, nothing on stdout)", async () => {
    const dir = path.join(tmp, "few");
    fs.mkdirSync(dir);
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, `${i}.png`), encodeRgbPng(new Uint8Array(IMAGE_BYTES), 84, 108));
    const r = await score(["--images", dir, "--count", "1000"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("exactly 1000 PNGs are needed; found 3");
  });

  it("refuses a generator whose manifest does not match the model", async () => {
    const g = buildLinearGenerator({ mean: new Float32Array(IMAGE_BYTES), basis: new Float32Array(64 * IMAGE_BYTES) });
    const r = await scoreGenerator("h", { onnx: g.onnx, manifest: { ...g.manifest, latent: { input: "z", size: 64 } } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('manifest.json: latent.input: the model has no input "z"; its inputs are "latent"');
  });
});
