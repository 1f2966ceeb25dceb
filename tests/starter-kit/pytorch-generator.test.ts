import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPaths } from "../../lib/dataset/layout";
import { projectRoot } from "../../lib/db/paths";
import { parseGeneratorManifest } from "../../lib/generation/generator-manifest";
import { trainFeatureNetwork } from "../../lib/generation/train-feature-network";
import { readZip } from "../../test-support/dataset/read-zip";
import { prepareScoringFixture, type ScoringFixture } from "../../test-support/scoring/scoring-fixture";

// The PyTorch generator guide (starter-kit/pytorch/train_generator.py and the README's
// "Generators" section), run for real with Debian's PyTorch (/usr/bin/python3) on a small
// generated dataset's train download, and its zip scored by `npm run score -- --track generation`.

const run = promisify(execFile);
const root = projectRoot();
const guideDir = path.join(root, "starter-kit", "pytorch");
const script = fs.readFileSync(path.join(guideDir, "train_generator.py"), "utf8");
const readme = fs.readFileSync(path.join(guideDir, "README.md"), "utf8");
const PYTHON = "/usr/bin/python3";

function torchAvailable(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import torch, numpy, PIL"], { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** The MANIFEST dict of the script: the JSON between its markers. */
function scriptManifest(): unknown {
  const block = /# --- manifest\.json: begin\nMANIFEST = ([\s\S]*?)\n# --- manifest\.json: end/.exec(script);
  if (!block) throw new Error("train_generator.py has no manifest block");
  return JSON.parse(block[1]);
}

describe("the generator guide's manifest", () => {
  it("is a valid conditional generator manifest, the same in the script and the README", () => {
    const manifest = scriptManifest();
    const parsed = parseGeneratorManifest(JSON.stringify(manifest));
    expect(parsed.ok && parsed.manifest).toMatchObject({
      format: "onnx",
      latent: { input: "z", size: 64 },
      condition: { input: "attributes" },
      output: { name: "images", layout: "NCHW", range: "[-1,1]" },
    });
    const blocks = [...readme.matchAll(/```jsonc\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
    expect(blocks).toEqual([manifest]);
  });

  it("the README's export call names the manifest's inputs and output, like the script's", () => {
    const call = /```py\n([\s\S]*?)```/.exec(readme)![1];
    for (const text of [call, script]) {
      expect(text).toContain('input_names=["z", "attributes"]');
      expect(text).toContain('output_names=["images"]');
      expect(text).toContain('dynamic_axes={"z": {0: "batch"}, "attributes": {0: "batch"}, "images": {0: "batch"}}');
      expect(text).toContain("opset_version=17");
    }
  });
});

describe.skipIf(!torchAvailable())("train_generator.py with PyTorch, scored by the real scorer", () => {
  let fixture: ScoringFixture;
  let tmp: string;
  let featureNetwork: string;
  let out: string;

  beforeAll(async () => {
    fixture = await prepareScoringFixture({ count: 150, seed: 31 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-pytorch-generator-"));
    out = path.join(tmp, "out");
    const [trained] = await Promise.all([
      trainFeatureNetwork({ cacheDir: buildPaths(fixture.buildDir).cacheDir, outDir: tmp, epochs: 1 }),
      run(
        PYTHON,
        [
          path.join(guideDir, "train_generator.py"),
          ...["--data", buildPaths(fixture.buildDir).publicDir, "--out", out],
          ...["--epochs", "1", "--max-train-images", "64", "--batch-size", "16", "--threads", "1"],
        ],
        { cwd: guideDir, timeout: 300_000 },
      ),
    ]);
    featureNetwork = trained.file;
  }, 400_000);
  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    fixture?.cleanup();
  });

  it("writes the zip (model.onnx + the manifest) and a preview of 5 rows of 8 portraits", async () => {
    const zip = await readZip(path.join(out, "tiny-portraits-generator.zip"));
    expect([...zip.keys()].sort()).toEqual(["manifest.json", "model.onnx"]);
    expect(JSON.parse(zip.get("manifest.json")!.toString("utf8"))).toEqual(scriptManifest());
    const png = fs.readFileSync(path.join(out, "samples.png"));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([84 * 8, 108 * 5]);
  });

  it("the zip scores with npm run score -- --track generation: metrics and the attribute fidelity of a conditional model", async () => {
    const { stdout } = await run(
      "npm",
      [
        ...["run", "--silent", "score", "--", "--track", "generation"],
        ...["--model", path.join(out, "tiny-portraits-generator.zip"), "--count", "1000", "--feature-network", featureNetwork],
      ],
      {
        cwd: root,
        env: { ...process.env, DATA_DIR: fixture.dataDir, DATABASE_URL: `file:${path.join(tmp, "unused.sqlite")}` },
        timeout: 300_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const score = JSON.parse(stdout);
    expect(score).toMatchObject({ track: "generation", kind: "generator", samples: 1000, higherIsBetter: false });
    for (const key of ["main", "fpd", "kid", "precision", "recall", "density", "coverage", "nearCopyShare"])
      expect(Number.isFinite(score[key]), key).toBe(true);
    for (const key of ["gender", "hairColor", "hairType", "mean"]) {
      expect(score.attributeFidelity[key], key).toBeGreaterThanOrEqual(0);
      expect(score.attributeFidelity[key], key).toBeLessThanOrEqual(1);
    }
  });
});
