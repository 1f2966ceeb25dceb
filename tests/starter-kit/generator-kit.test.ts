import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPaths } from "../../lib/dataset/layout";
import { readFeatureNetworkBundle } from "../../lib/generation/feature-network-bundle";
import { generationSettingsSchema } from "../../lib/generation/generation-settings";
import { inspectGeneratorBundle } from "../../lib/generation/inspect-generator-bundle";
import { trainFeatureNetwork } from "../../lib/generation/train-feature-network";
import { scoreGenerationFile } from "../../scorer/handlers/score-generation-file";
import { prepareSyntheticBuild, type SyntheticBuild } from "../../test-support/baselines/prepare-synthetic-build";
import { unpackStarterKit, type UnpackedKit } from "../../test-support/starter-kit/unpack-starter-kit";

// The downloadable kit's generator script (src/train-generator.ts), unzipped as a participant gets
// it, trains a tiny VAE on a prepared dataset's public downloads and writes a generator zip that
// passes the upload checks and is scored by the real scorer (sandbox, feature network, metrics).

const run = promisify(execFile);
let build: SyntheticBuild;
let kit: UnpackedKit;

async function trainGenerator(args: string[]) {
  try {
    const { stdout, stderr } = await run(path.join(kit.kitDir, "node_modules/.bin/tsx"), ["src/train-generator.ts", ...args], {
      cwd: kit.kitDir,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

beforeAll(async () => {
  build = await prepareSyntheticBuild({ count: 600, seed: 29 });
  kit = await unpackStarterKit();
}, 300_000);
afterAll(() => {
  kit?.cleanup();
  build?.cleanup();
});

describe("starter kit generator script", () => {
  it("trains a tiny VAE on the downloads and writes a generator zip the scorer scores", async () => {
    const out = path.join(kit.root, "gen-out");
    const publicDir = buildPaths(build.buildDir).publicDir;
    const [trained, featureNetwork] = await Promise.all([
      trainGenerator([
        "--data",
        publicDir,
        "--out",
        out,
        "--epochs",
        "2",
        "--max-train-images",
        "128",
        "--batch-size",
        "32",
        "--width",
        "4",
        "--threads",
        "1",
      ]),
      trainFeatureNetwork({ cacheDir: build.cacheDir, outDir: kit.root, epochs: 1, maxTrainImages: 256 }),
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/epoch 2\/2 {2}reconstruction RMSE [\d.]+\/255/);
    const zip = path.join(out, "tiny-portraits-generator.zip");
    expect(trained.stdout).toContain(`wrote ${zip}`);
    expect(await inspectGeneratorBundle({ file: zip })).toMatchObject({
      ok: true,
      manifest: { format: "onnx", latent: { input: "latent", size: 64 }, output: { layout: "NHWC", range: "[0,1]" } },
    });

    const result = await scoreGenerationFile({
      dataDir: build.dataDir,
      buildDir: build.buildDir,
      kind: "generator",
      file: zip,
      featureNetwork: { sha256: "0".repeat(64), bundle: await readFeatureNetworkBundle(featureNetwork.file) },
      settings: generationSettingsSchema.parse({ sampleCount: 1000, seed: 1 }),
    });
    expect(result.ok, result.ok ? "" : result.message).toBe(true);
    if (!result.ok) return;
    expect(Number.isFinite(result.score.public.main)).toBe(true);
    expect(result.score.public.main).toBeGreaterThan(0);
    expect(result.score.public.memorised).toBe(false);
  });

  it("refuses a bad option and a missing data folder with a clear message", async () => {
    const width = await trainGenerator(["--width", "0"]);
    expect(width.code).toBe(1);
    expect(width.stderr).toContain('--width expects a whole number >= 1, got "0"');
    const missing = await trainGenerator(["--data", path.join(kit.root, "no-such-folder")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: .*no-such-folder/);
  });
});
