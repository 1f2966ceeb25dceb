import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../../lib/challenge/definition";
import { inspectModelBundle } from "../../lib/models/inspect-model-bundle";
import { createOnnxTrainer } from "../../lib/ml/onnx-training/create-onnx-trainer";
import { referenceNetworkSpec } from "../../lib/ml/onnx-training/reference-network-spec";
import { saveOnnxBundle } from "../../lib/ml/onnx-training/save-onnx-bundle";
import { createZipWriter } from "../../lib/zip/create-zip-writer";
import { scoreModel } from "../../scorer/handlers/score-model";
import { fixtureValues } from "../../test-support/ml/fixture-values";
import { prepareScoringFixture, type ScoringFixture } from "../../test-support/scoring/scoring-fixture";

/**
 * A network trained by the ONNX engine, exported as model.onnx + manifest.json, passes the upload
 * checks and is scored by the real scorer in its sandbox, like a participant's ONNX upload.
 */
describe("ONNX training engine export", () => {
  let fixture: ScoringFixture;
  let dir: string;
  beforeAll(async () => {
    fixture = await prepareScoringFixture({ count: 160, seed: 14 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-onnx-train-"));
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    fixture?.cleanup();
  });

  it("trains a few steps, exports a bundle the scorer accepts and scores it in the sandbox", async () => {
    const spec = referenceNetworkSpec({ inputPool: 4, channels: [4, 8], head: "flatten", denseUnits: 8, dropout: 0.25, name: "tiny" });
    const trainer = await createOnnxTrainer({ spec, seed: 3, threads: 1 });
    const n = 8;
    const x = fixtureValues(n * IMAGE_HEIGHT * IMAGE_WIDTH * IMAGE_CHANNELS, 2, 1);
    const heads = spec.heads.map((h, k) => ({ labels: Array.from({ length: n }, (_, i) => ((i + k) % (h.classes + 1)) - 1) }));
    const first = await trainer.step({ x, count: n, heads, learningRate: 1e-2 });
    for (let i = 0; i < 4; i++) await trainer.step({ x, count: n, heads, learningRate: 1e-2 });
    const last = await trainer.step({ x, count: n, heads, learningRate: 1e-2 });
    expect(last.loss).toBeLessThan(first.loss);
    const bundle = saveOnnxBundle({ dir: path.join(dir, "bundle"), spec, onnx: trainer.exportOnnx(), name: "engine test" });
    await trainer.close();

    const zipFile = path.join(dir, "model.zip");
    const zip = await createZipWriter(zipFile);
    for (const file of [bundle.modelFile, bundle.manifestFile])
      await zip.add(path.basename(file), fs.readFileSync(file), { compress: true });
    await zip.finish();
    expect(await inspectModelBundle({ file: zipFile, maxBytes: 10 * 1024 * 1024 })).toMatchObject({ ok: true, bundle: { format: "onnx" } });
    const scored = await scoreModel({ dataDir: fixture.dataDir, buildDir: fixture.buildDir, file: zipFile });
    if (!scored.ok) throw new Error(`scoring failed (${scored.reason}): ${scored.message}\n${scored.log}`);
    expect(scored.format).toBe("onnx");
    expect(scored.scores.public.main).toBeGreaterThanOrEqual(0);
    expect(scored.scores.public.main).toBeLessThanOrEqual(1);
  });
});
