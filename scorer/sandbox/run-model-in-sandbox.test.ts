import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CANONICAL_CLASSES,
  expectedLabels,
  HIDDEN_SECRET,
  makeManifest,
  PERMUTED_CLASSES,
  safeColors,
  writeGraphBundle,
  writeLayersBundle,
  writeOnnxBundle,
  writeTestCache,
  type OnnxFault,
} from "@/lib/models/testing/model-fixtures";
import { runModelInSandbox, type RunModelInSandboxResult } from "./run-model-in-sandbox";

/**
 * End-to-end runs of real (tiny) models in the real sandbox: exact predictions for ONNX, tfjs
 * layers and tfjs graph models, and every way a model can misbehave ending in its own reason.
 */

let root: string;
let cacheDir: string;
let hiddenFile: string;
let ids: string[];
const colors = safeColors(64, 7);

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "tp-sandbox-test-"));
  ({ cacheDir, hiddenFile, ids } = writeTestCache(path.join(root, "build"), colors));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
const bundleDir = () => path.join(root, `bundle-${n++}`);

function expectExact(result: RunModelInSandboxResult) {
  if (!result.ok) throw new Error(`sandbox failed: ${result.reason}: ${result.message}\n${result.log}`);
  expect(result.predictions.size).toBe(ids.length);
  ids.forEach((id, i) => expect(result.predictions.get(id), `image ${i} ${colors[i]}`).toEqual(expectedLabels(colors[i])));
  return result;
}

const fast = { memoryMb: 1024, cpuSeconds: 60, wallSeconds: 60, threads: 2 };

describe("runModelInSandbox: correct models", () => {
  it("runs an ONNX NCHW model with one sliced output and permuted classes", async () => {
    const dir = bundleDir();
    writeOnnxBundle(dir, { manifest: makeManifest("onnx", { classes: PERMUTED_CLASSES }), heads: "sliced" });
    const r = expectExact(await runModelInSandbox({ bundleDir: dir, testCacheDir: cacheDir, limits: fast }));
    expect(r.ok && r.stats.backend).toBe("onnxruntime");
  });

  it("runs an ONNX model with three outputs, BGR input and a fixed batch of 5 (padded last batch)", async () => {
    const dir = bundleDir();
    const manifest = makeManifest("onnx", { input: { layout: "NCHW", scale: 1, mean: [100, 110, 120], std: [50, 60, 70], channelOrder: "BGR" } });
    writeOnnxBundle(dir, { manifest, heads: "separate", fixedBatch: 5, inputName: "input.1" });
    expectExact(await runModelInSandbox({ bundleDir: dir, testCacheDir: cacheDir, limits: fast }));
  });

  it("runs a tfjs-layers NHWC model on the wasm backend in worker threads", async () => {
    const dir = bundleDir();
    await writeLayersBundle(dir, makeManifest("tfjs-layers", { classes: PERMUTED_CLASSES, batchSize: 16 }));
    const r = expectExact(await runModelInSandbox({ bundleDir: dir, testCacheDir: cacheDir, limits: fast }));
    expect(r.ok && r.stats.backend).toBe("tfjs-wasm");
  });

  it("runs a tfjs-graph model", async () => {
    const dir = bundleDir();
    writeGraphBundle(dir, makeManifest("tfjs-graph", { classes: CANONICAL_CLASSES }));
    expectExact(await runModelInSandbox({ bundleDir: dir, testCacheDir: cacheDir, limits: { ...fast, threads: 1 } }));
  });
});
