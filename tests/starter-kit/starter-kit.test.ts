import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTRIBUTES } from "../../lib/challenge/definition";
import { buildPaths } from "../../lib/dataset/layout";
import { readZip } from "../../test-support/dataset/read-zip";
import { projectRoot } from "../../lib/db/paths";
import { inspectModelBundle } from "../../lib/models/inspect-model-bundle";
import { loadTestIds } from "../../lib/scoring/load-test-ids";
import { scoreModel } from "../../scorer/handlers/score-model";
import { prepareScoringFixture, type ScoringFixture } from "../../test-support/scoring/scoring-fixture";
import { parsePredictionsCsv } from "../../lib/submissions/parse-predictions-csv";
import { buildStarterKit, STARTER_KIT_FOLDER } from "../../lib/starter-kit/build-starter-kit";
import { readGuideManifest } from "../../lib/starter-kit/read-guide-manifest";
import { unpackStarterKit, type UnpackedKit } from "../../test-support/starter-kit/unpack-starter-kit";

// The downloadable kit, built and unzipped as a participant gets it, trains on a prepared
// dataset's public downloads (the files a participant downloads, nothing else) and its outputs
// go through the same checks and the same sandbox scoring as an upload.

const run = promisify(execFile);
let fixture: ScoringFixture;
let kit: UnpackedKit;
let publicDir: string;
let outDir: string;
let training: Awaited<ReturnType<UnpackedKit["train"]>>;

let typecheck: Promise<unknown>;
let mistakes: Record<"missingFolder" | "folderAbove" | "damaged", Awaited<ReturnType<UnpackedKit["train"]>>>;

beforeAll(async () => {
  fixture = await prepareScoringFixture({ count: 300, seed: 11 });
  publicDir = buildPaths(fixture.buildDir).publicDir;
  kit = await unpackStarterKit();
  outDir = path.join(kit.root, "out");
  const damaged = path.join(kit.root, "damaged");
  fs.cpSync(publicDir, damaged, { recursive: true });
  const damagedZip = path.join(damaged, "Tiny_Portraits_Train.zip");
  fs.truncateSync(damagedZip, fs.statSync(damagedZip).size - 100);
  // The child processes are independent and mostly single-threaded: run them side by side.
  typecheck = run(path.join(kit.kitDir, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], { cwd: kit.kitDir });
  typecheck.catch(() => {}); // awaited (and reported) by its test
  const [trained, missingFolder, folderAbove, damagedRun] = await Promise.all([
    // One short epoch on a handful of images: this checks the path, not the model's quality.
    kit.train(["--data", publicDir, "--out", outDir, "--epochs", "1", "--max-train-images", "96", "--batch-size", "32", "--threads", "2"]),
    kit.train(["--data", path.join(os.tmpdir(), "no-such-tiny-portraits-folder")]),
    kit.train(["--data", fixture.buildDir]),
    kit.train(["--data", damaged, "--out", path.join(kit.root, "out-damaged")]),
  ]);
  training = trained;
  mistakes = { missingFolder, folderAbove, damaged: damagedRun };
});
afterAll(() => {
  kit?.cleanup();
  fixture?.cleanup();
});

describe("the starter kit zip", () => {
  it("unzips into one folder with the kit's sources and the platform files it runs on", async () => {
    const built = await buildStarterKit();
    const file = path.join(kit.root, "again.zip");
    fs.writeFileSync(file, built.bytes);
    const names = [...(await readZip(file)).keys()];
    expect(names.every((n) => n.startsWith(`${STARTER_KIT_FOLDER}/`))).toBe(true);
    for (const needed of [
      "README.md",
      "package.json",
      "tsconfig.json",
      "src/train.ts",
      "src/platform.ts",
      ".npmrc",
      "src/platform/ml/onnx-training/create-onnx-trainer.ts",
      "src/platform/ml/onnx-training/build-training-graph.ts",
      "src/platform/models/manifest.ts",
      "pytorch/README.md",
      "pytorch/train_export.py",
    ]) {
      expect(names).toContain(`${STARTER_KIT_FOLDER}/${needed}`);
    }
    expect(built.platformFiles).toContain("ml/onnx-training/save-onnx-bundle.ts");
    // The old tfjs training path is gone: nothing of it may be copied (or depended on) any more.
    expect(built.platformFiles.filter((f) => /wasm|select-backend|tensorflow/i.test(f))).toEqual([]);
    // Deterministic: the same sources give the same bytes (a stable ETag).
    expect((await buildStarterKit()).sha256).toBe(built.sha256);
  });

  it("points the platform shim at the copies, and pins the platform's versions", () => {
    const shim = fs.readFileSync(path.join(kit.kitDir, "src/platform.ts"), "utf8");
    expect(shim).not.toContain("../../lib/");
    expect(shim).toContain('from "./platform/ml/onnx-training/create-onnx-trainer"');
    const kitPackage = JSON.parse(fs.readFileSync(path.join(kit.kitDir, "package.json"), "utf8"));
    expect(Object.keys(kitPackage.dependencies)).toEqual(expect.arrayContaining(["onnxruntime-node", "onnx-proto"]));
    expect(Object.keys(kitPackage.dependencies).filter((d) => d.startsWith("@tensorflow/"))).toEqual([]);
    // onnxruntime-node's install script downloads CUDA libraries on Linux x64: denied for npm 11.16+
    // (allowScripts) and skipped through the package's own setting for older npm (.npmrc).
    expect(kitPackage.allowScripts).toMatchObject({ "onnxruntime-node": false, protobufjs: false });
    expect(fs.readFileSync(path.join(kit.kitDir, ".npmrc"), "utf8")).toMatch(/^onnxruntime-node-install=skip$/m);
    const ours = JSON.parse(fs.readFileSync(path.join(process.cwd(), "package.json"), "utf8"));
    for (const [name, version] of Object.entries({ ...kitPackage.dependencies, ...kitPackage.devDependencies })) {
      expect(`${name}@${version}`).toBe(`${name}@${ours.dependencies[name] ?? ours.devDependencies[name]}`);
    }
  });

  it("type-checks on its own with its tsconfig", async () => {
    await expect(typecheck).resolves.toBeDefined();
  });
});

describe("training with the kit", () => {
  it("trains and writes a model bundle and a predictions CSV", () => {
    expect(training.stderr).not.toContain("error");
    expect(training.code).toBe(0);
    expect(training.stdout).toMatch(/model starter_cnn: \d+\.\d MFLOP per image, training with onnxruntime on 2 threads/);
    expect(training.stdout).toMatch(/epoch 1\/1 {2}loss \d/);
    expect(fs.existsSync(path.join(outDir, "tiny-portraits-model.zip"))).toBe(true);
    expect(fs.existsSync(path.join(outDir, "predictions.csv"))).toBe(true);
  });

  it("the bundle passes the upload checks and scores in the sandbox", async () => {
    const file = path.join(outDir, "tiny-portraits-model.zip");
    const inspected = await inspectModelBundle({ file, maxBytes: 50 * 1024 * 1024 });
    expect(inspected).toMatchObject({ ok: true, bundle: { format: "onnx" } });
    if (!inspected.ok) return;
    expect(inspected.bundle.manifest.input).toMatchObject({ layout: "NHWC", name: "image" });
    for (const attr of ATTRIBUTES) expect(inspected.bundle.manifest.outputs[attr].output).toBe(attr);
    // The README shows participants the manifest the script writes, byte for byte in JSON terms.
    const written = JSON.parse((await readZip(file)).get("manifest.json")!.toString("utf8"));
    expect(written).toEqual(readGuideManifest({ projectRoot: projectRoot(), guide: "typescript" }).json);

    const scored = await scoreModel({ dataDir: fixture.dataDir, buildDir: fixture.buildDir, file });
    if (!scored.ok) throw new Error(`scoring failed (${scored.reason}): ${scored.message}\n${scored.log}`);
    expect(scored.format).toBe("onnx");
    expect(scored.scores.public.main).toBeGreaterThanOrEqual(0);
  });

  it("the predictions CSV is a valid submission for every test id", async () => {
    const csv = fs.readFileSync(path.join(outDir, "predictions.csv"));
    const expectedIds = await loadTestIds({ buildDir: fixture.buildDir });
    const parsed = await parsePredictionsCsv({ input: csv, expectedIds, maxBytes: 20 * 1024 * 1024 });
    expect(parsed).toMatchObject({ ok: true, rows: expectedIds.length });
  });
});

describe("mistakes participants make", () => {
  it("explains a missing data folder", () => {
    const r = mistakes.missingFolder;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("There is no folder");
    expect(r.stderr).toContain("Tiny_Portraits_Train.zip");
    expect(r.stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
  });

  it("points at the right folder when given the one above the downloads", () => {
    const r = mistakes.folderAbove;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("has no Tiny_Portraits_Train.zip");
    expect(r.stderr).toContain(`pass --data ${publicDir}`);
  });

  it("refuses a damaged download by its checksum", () => {
    const r = mistakes.damaged;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("does not match its SHA-256");
  });
});
