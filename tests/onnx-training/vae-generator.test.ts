import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_CHANNELS, IMAGE_HEIGHT, IMAGE_WIDTH } from "../../lib/challenge/definition";
import { inspectGeneratorBundle } from "../../lib/generation/inspect-generator-bundle";
import { trainVaeGenerator, type VaeEpochReport } from "../../lib/generation/train-vae-generator";
import { writeGeneratorZip } from "../../lib/generation/write-generator-zip";
import { prepareSyntheticBuild, type SyntheticBuild } from "../../test-support/baselines/prepare-synthetic-build";

/**
 * The VAE generator baseline (lib/generation/train-vae-generator.ts) trained briefly on a few
 * hundred synthetic portraits: the reconstruction error falls, and the exported decoder is a
 * generator the upload checks accept, mapping [N, 64] latents to [N, 108, 84, 3] images in
 * [0, 1] that differ from latent to latent. (Its score against the PCA sampler on the default
 * dataset is measured in docs/generation-track.md; scoring is covered by the baselines' tests.)
 */
describe("VAE generator", () => {
  let fixture: SyntheticBuild;
  let dir: string;
  beforeAll(async () => {
    fixture = await prepareSyntheticBuild({ count: 320, seed: 23 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-vae-"));
  });
  afterAll(() => {
    fixture?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("learns to reconstruct and exports a valid generator of full-size images", async () => {
    const epochs: VaeEpochReport[] = [];
    const trained = await trainVaeGenerator({
      cacheDir: fixture.cacheDir,
      epochs: 4,
      width: 4,
      batchSize: 32,
      learningRate: 5e-3,
      threads: 1,
      onEpoch: (e) => epochs.push(e),
    });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(epochs[3].rmse255, JSON.stringify(epochs)).toBeLessThan(epochs[0].rmse255);
    expect(trained.metrics.trainImages).toBeGreaterThan(200);
    expect(trained.manifest).toMatchObject({ format: "onnx", latent: { size: 64 }, output: { layout: "NHWC", range: "[0,1]" } });

    const file = path.join(dir, "vae.zip");
    await writeGeneratorZip({ file, onnx: trained.onnx, manifest: trained.manifest });
    const inspected = await inspectGeneratorBundle({ file });
    expect(inspected).toMatchObject({ ok: true });

    const session = await ort.InferenceSession.create(trained.onnx);
    try {
      const z = Float32Array.from({ length: 2 * 64 }, (_, i) => Math.sin(i * 1.7) * 1.5);
      const out = (await session.run({ latent: new ort.Tensor("float32", z, [2, 64]) })).images;
      expect(out.dims).toEqual([2, IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_CHANNELS]);
      const px = out.data as Float32Array;
      const size = IMAGE_HEIGHT * IMAGE_WIDTH * IMAGE_CHANNELS;
      let differ = 0;
      for (let i = 0; i < size; i++) {
        expect(px[i] >= 0 && px[i] <= 1).toBe(true);
        if (Math.abs(px[i] - px[size + i]) > 1e-3) differ++;
      }
      expect(differ).toBeGreaterThan(size / 10);
    } finally {
      await session.release();
    }
  });
});
