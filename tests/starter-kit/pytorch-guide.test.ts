import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTRIBUTES, IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from "../../lib/challenge/definition";
import { createZipWriter } from "../../lib/zip/create-zip-writer";
import { projectRoot } from "../../lib/db/paths";
import { inspectModelBundle } from "../../lib/models/inspect-model-bundle";
import { validateManifest, type Manifest } from "../../lib/models/manifest";
import { preprocessImages } from "../../lib/models/preprocess-images";
import { scoreModel } from "../../scorer/handlers/score-model";
import { prepareScoringFixture, type ScoringFixture } from "../../test-support/scoring/scoring-fixture";
import { readGuideManifest } from "../../lib/starter-kit/read-guide-manifest";
import { buildExportedOnnx } from "../../test-support/starter-kit/build-exported-onnx";
import { pythonAvailable, readPythonExample, type PythonExample } from "../../test-support/starter-kit/read-python-example";

// PyTorch cannot be installed here, so the guide is tested on what it promises: its manifest is
// valid and identical in the README and the example script, the export call in both names the
// input and outputs the manifest refers to, and an ONNX graph with exactly that interface (what
// torch.onnx.export writes for the call) passes the upload checks and scores in the sandbox.

const root = projectRoot();
const guideDir = path.join(root, "starter-kit", "pytorch");
const readme = fs.readFileSync(path.join(guideDir, "README.md"), "utf8");
const script = fs.readFileSync(path.join(guideDir, "train_export.py"), "utf8");
const guide = readGuideManifest({ projectRoot: root, guide: "pytorch" });
const hasPython = pythonAvailable();

function checkedManifest(json: unknown): Manifest {
  const result = validateManifest(json);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.manifest;
}

describe("the guide's manifest", () => {
  it("is valid, NCHW with ToTensor+Normalize scaling, and names every output", () => {
    const manifest = checkedManifest(guide.json);
    expect(manifest).toMatchObject({ format: "onnx", model: "model.onnx", input: { layout: "NCHW", channelOrder: "RGB", name: "image" } });
    expect(manifest.input.scale).toBeCloseTo(1 / 255, 15);
    for (const attr of ATTRIBUTES) expect(manifest.outputs[attr].output).toBe(attr);
  });

  it("feeds the model (p / 255 - mean) / std per RGB plane, as the guide says", () => {
    const manifest = checkedManifest(guide.json);
    const pixels = new Uint8Array(IMAGE_BYTES).map((_, i) => (i * 37) % 256);
    const x = preprocessImages(pixels, 1, manifest.input);
    const plane = IMAGE_HEIGHT * IMAGE_WIDTH;
    for (const [y, col, c] of [
      [0, 0, 0],
      [5, 7, 1],
      [107, 83, 2],
    ]) {
      const p = pixels[(y * IMAGE_WIDTH + col) * 3 + c];
      expect(x[c * plane + y * IMAGE_WIDTH + col]).toBeCloseTo((p / 255 - manifest.input.mean[c]) / manifest.input.std[c], 5);
    }
  });

  it("is the manifest train_export.py writes (JSON block between its markers)", () => {
    const block = /# --- manifest\.json: begin\nMANIFEST = ([\s\S]*?)\n# --- manifest\.json: end/.exec(script);
    expect(block).not.toBeNull();
    expect(JSON.parse(block![1])).toEqual(guide.json);
  });
});

describe.skipIf(!hasPython)("the export call (read with Python's ast)", () => {
  let fromScript: PythonExample;
  let fromReadme: PythonExample;
  beforeAll(async () => {
    fromScript = await readPythonExample({ source: script });
    const pythonBlocks = [...readme.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n");
    fromReadme = await readPythonExample({ source: pythonBlocks });
  });

  it("the script's MANIFEST dict is the README's manifest", () => {
    expect(fromScript.manifest).toEqual(guide.json);
  });

  it("README and script export with the names, dynamic batch and opset the manifest expects", () => {
    const manifest = checkedManifest(guide.json);
    expect(fromScript.exportCalls).toHaveLength(1);
    expect(fromReadme.exportCalls).toHaveLength(1);
    for (const call of [fromScript.exportCalls[0], fromReadme.exportCalls[0]]) {
      expect(call.input_names).toEqual([manifest.input.name]);
      expect(call.output_names).toEqual(ATTRIBUTES.map((a) => manifest.outputs[a].output));
      const dynamic = call.dynamic_axes as Record<string, Record<string, string>>;
      for (const name of [manifest.input.name!, ...ATTRIBUTES.map((a) => manifest.outputs[a].output as string)])
        expect(Object.keys(dynamic[name])).toEqual(["0"]);
      expect(call.opset_version).toBe(17);
    }
    const { dynamo: _readmeOnly, ...readmeCall } = fromReadme.exportCalls[0];
    expect(readmeCall).toEqual(fromScript.exportCalls[0]);
  });

  it("train_export.py compiles", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "tp-pycompile-"));
    try {
      await promisify(execFile)("python3", [
        "-c",
        "import sys, py_compile; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
        path.join(guideDir, "train_export.py"),
        path.join(out, "x.pyc"),
      ]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("an ONNX model exported as the guide says", () => {
  let fixture: ScoringFixture;
  let dir: string;
  let onnxFile: string;
  let zipFile: string;

  beforeAll(async () => {
    fixture = await prepareScoringFixture({ count: 160, seed: 12 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-onnx-guide-"));
    const manifest = checkedManifest(guide.json);
    onnxFile = path.join(dir, "model.onnx");
    fs.writeFileSync(onnxFile, buildExportedOnnx({ manifest, batchDim: "batch", opset: 17 }));
    // The zip of section 5: model.onnx and the manifest text exactly as printed in the guide.
    zipFile = path.join(dir, "tiny-portraits-onnx.zip");
    const zip = await createZipWriter(zipFile);
    await zip.add("model.onnx", fs.readFileSync(onnxFile), { compress: true });
    await zip.add("manifest.json", Buffer.from(guide.text), { compress: true });
    await zip.finish();
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    fixture?.cleanup();
  });

  it("zipped with the manifest: passes the upload checks and scores in the sandbox", async () => {
    expect(await inspectModelBundle({ file: zipFile, maxBytes: 10 * 1024 * 1024 })).toMatchObject({ ok: true, bundle: { format: "onnx" } });
    const scored = await scoreModel({ dataDir: fixture.dataDir, buildDir: fixture.buildDir, file: zipFile });
    if (!scored.ok) throw new Error(`scoring failed (${scored.reason}): ${scored.message}\n${scored.log}`);
    expect(scored.format).toBe("onnx");
    expect(scored.scores.public.main).toBeGreaterThanOrEqual(0);
  });

  it("as a bare .onnx with the manifest pasted beside it: the same", async () => {
    expect(await inspectModelBundle({ file: onnxFile, maxBytes: 10 * 1024 * 1024, manifestJson: guide.text })).toMatchObject({ ok: true });
    const scored = await scoreModel({ dataDir: fixture.dataDir, buildDir: fixture.buildDir, file: onnxFile, manifestJson: guide.text });
    if (!scored.ok) throw new Error(`scoring failed (${scored.reason}): ${scored.message}\n${scored.log}`);
    expect(scored.format).toBe("onnx");
  });
});
