import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_BYTES, IMAGES_DIR_NAME } from "@/lib/challenge/definition";
import { openTrainImageReader } from "@/lib/baselines/open-train-image-reader";
import { buildPaths } from "@/lib/dataset/layout";
import { generateSynthetic } from "@/lib/dataset/synthetic/generate-synthetic";
import { buildLinearGenerator } from "@/lib/generation/build-linear-generator";
import { buildResamplingGenerator } from "@/lib/generation/build-resampling-generator";
import { drawNormals } from "@/lib/generation/draw-normals";
import { readFeatureNetworkBundle } from "@/lib/generation/feature-network-bundle";
import { fitEigenportraits } from "@/lib/generation/fit-eigenportraits";
import { generationSettingsSchema } from "@/lib/generation/generation-settings";
import { trainFeatureNetwork } from "@/lib/generation/train-feature-network";
import { scoreGenerationFile } from "@/scorer/handlers/score-generation-file";
import { prepareSyntheticBuild, type SyntheticBuild } from "@/test-support/baselines/prepare-synthetic-build";

// The sanity order on a small synthetic dataset (2,000 portraits rendered by the
// platform's generator, 1,000 samples, a 2-epoch feature network): noise scores worst, train resampling is flagged as memorised and
// ranks below the PCA sampler, and fresh synthetic portraits (new seed) beat every baseline.

let fixture: SyntheticBuild;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-gen-baselines-"));
const files: Record<string, string> = {};
let featureNetwork: { sha256: string; bundle: Awaited<ReturnType<typeof readFeatureNetworkBundle>> };

beforeAll(async () => {
  fixture = await prepareSyntheticBuild({ count: 2000, seed: 41 });
  const cacheDir = buildPaths(fixture.buildDir).cacheDir;
  const trained = await trainFeatureNetwork({ cacheDir, outDir: tmp, epochs: 2 });
  featureNetwork = { sha256: "0".repeat(64), bundle: await readFeatureNetworkBundle(trained.file) };
  const reader = await openTrainImageReader({ cacheDir });
  const rows = Int32Array.from({ length: reader.count }, (_, i) => i);
  const write = (name: string, g: { onnx: Uint8Array; manifest: object }) => {
    fs.writeFileSync(path.join(tmp, `${name}.onnx`), g.onnx);
    files[name] = path.join(tmp, `${name}.onnx`);
    files[`${name}.json`] = JSON.stringify(g.manifest);
  };
  const pca = await fitEigenportraits({ images: await reader.read(rows.subarray(0, 400)), count: 400 });
  write("pca", buildLinearGenerator({ mean: pca.mean, basis: pca.basis }));
  write("resampling", buildResamplingGenerator({ images: await reader.read(rows.subarray(400, 656)), count: 256 }));
  write(
    "noise",
    buildLinearGenerator({
      mean: new Float32Array(IMAGE_BYTES).fill(128),
      basis: drawNormals({ seed: 13, count: 64 * IMAGE_BYTES }).map((v) => v * 8),
    }),
  );
  await reader.close();
  await generateSynthetic({ outDir: path.join(tmp, "fresh"), count: 1000, seed: 777, layout: "folder", workers: 2 });
  files.synthetic = path.join(tmp, "fresh", IMAGES_DIR_NAME);
});
afterAll(() => {
  fixture?.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function mainScore(name: string) {
  const result = await scoreGenerationFile({
    dataDir: fixture.dataDir,
    buildDir: fixture.buildDir,
    kind: name === "synthetic" ? "images" : "generator",
    file: files[name],
    manifestJson: files[`${name}.json`],
    featureNetwork,
    settings: generationSettingsSchema.parse({ sampleCount: 1000, seed: 1 }),
  });
  if (!result.ok) throw new Error(`${name}: ${result.message}`);
  return result.score.public;
}

describe("generation baselines", () => {
  it("orders noise < resampling (memorised) < PCA < fresh synthetic portraits", async () => {
    const scores = Object.fromEntries(
      await Promise.all(["noise", "resampling", "pca", "synthetic"].map(async (n) => [n, await mainScore(n)] as const)),
    );
    const main = Object.fromEntries(Object.entries(scores).map(([n, s]) => [n, s.main]));
    expect(scores.resampling.memorised).toBe(true);
    expect(scores.resampling.meanMinCosine).toBeLessThan(1e-4);
    expect(scores.resampling.nearCopyShare).toBeGreaterThan(0.9);
    expect(scores.pca.memorised).toBe(false);
    expect(scores.synthetic.memorised).toBe(false);
    expect(main.synthetic, JSON.stringify(main)).toBeLessThan(main.pca);
    expect(main.pca, JSON.stringify(main)).toBeLessThan(main.resampling);
    expect(main.resampling, JSON.stringify(main)).toBeLessThan(main.noise);
  });
});
