import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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
} from "@/test-support/models/model-fixtures";
import { procStatus, sandboxNodePid } from "@/test-support/sandbox/process-tree";
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
    const manifest = makeManifest("onnx", {
      input: { layout: "NCHW", scale: 1, mean: [100, 110, 120], std: [50, 60, 70], channelOrder: "BGR" },
    });
    writeOnnxBundle(dir, { manifest, heads: "separate", fixedBatch: 5, inputName: "input.1" });
    expectExact(await runModelInSandbox({ bundleDir: dir, testCacheDir: cacheDir, limits: fast }));
  });

  it("runs a bundle extracted under umask 077 (the child is another uid)", async () => {
    const dir = bundleDir();
    writeOnnxBundle(dir, { manifest: makeManifest("onnx"), heads: "sliced" });
    for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o600);
    fs.chmodSync(dir, 0o700);
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

describe("runModelInSandbox: misbehaving models", () => {
  it("keeps only a capped log of a model that spams its output, and still scores it", async () => {
    const dir = bundleDir();
    writeGraphBundle(dir, { ...makeManifest("tfjs-graph"), batchSize: 8 }, { printMessage: "spam ".repeat(40_000) });
    const chunks: string[] = [];
    const r = expectExact(await runModelInSandbox({ bundleDir: dir, testCacheDir: cacheDir, limits: fast, onLog: (t) => chunks.push(t) }));
    expect(r.log.length).toBeLessThan(70 * 1024);
    expect(r.log).toMatch(/\[\.\.\. \d+ characters dropped \.\.\.\]/);
    expect(chunks.join("").length).toBeLessThan(70 * 1024);
  });

  const runFault = (fault: OnnxFault, limits = fast) => {
    const dir = bundleDir();
    writeOnnxBundle(dir, { manifest: makeManifest("onnx", { batchSize: 64 }), heads: "separate", fault });
    return runModelInSandbox({ bundleDir: dir, testCacheDir: cacheDir, limits });
  };

  it("reports NaN outputs as invalid-output", async () => {
    const r = await runFault("nan");
    expect(r).toMatchObject({ ok: false, reason: "invalid-output" });
    expect(!r.ok && r.message).toMatch(/outputs\.Gender \(output "gender"\): the model produced NaN/);
  });

  it("reports a wrong output shape as invalid-output", async () => {
    const r = await runFault("wrong-width");
    expect(r).toMatchObject({ ok: false, reason: "invalid-output" });
    expect(!r.ok && r.message).toMatch(
      /outputs\.Hair_Color \(output "hair_color"\): the model returned shape \[64, 4\] for a batch of 64 images; expected \[64, 5\]/,
    );
  });

  it("kills a model that runs forever at the wall-clock limit", async () => {
    const t0 = Date.now();
    const r = await runFault("loop-forever", { ...fast, wallSeconds: 3 });
    expect(r).toMatchObject({ ok: false, reason: "wall-clock" });
    expect(!r.ok && r.message).toMatch(/did not finish within 3 s/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it("kills a model that burns CPU at the CPU limit", async () => {
    const r = await runFault("loop-forever", { ...fast, cpuSeconds: 2, wallSeconds: 60 });
    expect(r).toMatchObject({ ok: false, reason: "cpu" });
    expect(!r.ok && r.message).toMatch(/more than 2 s of CPU time/);
  });

  it("stops a model whose intermediate tensor exceeds the memory cap", async () => {
    const r = await runFault("memory", { ...fast, memoryMb: 768 });
    expect(r).toMatchObject({ ok: false, reason: "memory" });
    expect(!r.ok && r.message).toMatch(/ran out of memory \(limit 768 MB\)/);
  });

  it("stops a tfjs (wasm) model whose intermediate tensor exceeds the memory cap", async () => {
    const dir = bundleDir();
    writeGraphBundle(dir, { ...makeManifest("tfjs-graph"), batchSize: 64 }, { tileMultiples: 16 });
    const r = await runModelInSandbox({ bundleDir: dir, testCacheDir: cacheDir, limits: { ...fast, memoryMb: 768 } });
    expect(r).toMatchObject({ ok: false, reason: "memory" });
    expect(!r.ok && r.message).toMatch(/ran out of memory \(limit 768 MB\)/);
  });

  it("never names a host path in what the participant reads, even when the model fails to load", async () => {
    const dir = bundleDir();
    const manifest = writeOnnxBundle(dir, { manifest: makeManifest("onnx"), heads: "sliced" });
    // A bundle whose model file is missing (extraction would refuse it; here the sandbox meets it).
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ ...manifest, model: "gone/model.onnx" }));
    const r = await runModelInSandbox({ bundleDir: dir, testCacheDir: cacheDir, limits: fast });
    expect(r).toMatchObject({ ok: false, reason: "model-error" });
    if (r.ok) return;
    expect(r.message).toMatch(/the model could not be loaded: ENOENT: no such file or directory, open 'gone\/model\.onnx'/);
    for (const text of [r.message, r.log]) {
      expect(text).not.toContain(fs.realpathSync(dir));
      expect(text).not.toContain(os.tmpdir());
      expect(text).not.toMatch(/\/proc\/\d+/);
    }
  });

  it("refuses custom ops inside the sandbox too (defence in depth)", async () => {
    const r = await runFault("custom-domain");
    expect(r).toMatchObject({ ok: false, reason: "model-error" });
    expect(!r.ok && r.message).toMatch(/custom operator\(s\) StealLabels from domain "com\.example\.evil"/);
  });
});

describe("runModelInSandbox: the walls", () => {
  it("cannot read the hidden labels, write files, start processes or reach the network", async () => {
    const dir = bundleDir();
    writeOnnxBundle(dir, { manifest: makeManifest("onnx"), heads: "sliced" });
    const server = net.createServer((s) => s.end("hello"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const written = path.join(root, "written-by-sandbox.txt");
    try {
      const r = await runModelInSandbox({
        bundleDir: dir,
        testCacheDir: cacheDir,
        limits: fast,
        probes: [
          { op: "read", path: hiddenFile },
          { op: "read", path: path.join(cacheDir, "test.json") },
          { op: "read", path: path.join(process.cwd(), "package.json") },
          { op: "write", path: written },
          { op: "write", path: path.join(dir, "model.onnx") },
          { op: "spawn", path: "/bin/cat" },
          { op: "connect", host: "127.0.0.1", port },
        ],
      });
      const r2 = expectExact(r);
      const outcome = Object.fromEntries(
        r2.probes.map((p) => [`${p.probe.op}:${"path" in p.probe ? p.probe.path : p.probe.port}`, p.outcome]),
      );
      expect(outcome).toEqual({
        [`read:${hiddenFile}`]: "ERR_ACCESS_DENIED",
        [`read:${path.join(cacheDir, "test.json")}`]: "ERR_ACCESS_DENIED",
        [`read:${path.join(process.cwd(), "package.json")}`]: "ERR_ACCESS_DENIED",
        [`write:${written}`]: "ERR_ACCESS_DENIED",
        [`write:${path.join(dir, "model.onnx")}`]: "ERR_ACCESS_DENIED",
        "spawn:/bin/cat": "ERR_ACCESS_DENIED",
        // The sandbox's own network namespace: under bubblewrap its loopback is up but empty, under
        // unshare it is down. Where the OS gives no namespaces at all the stats say so.
        [`connect:${port}`]: r2.stats.isolation.includes("no namespaces are available")
          ? "ok"
          : expect.stringMatching(/^(ECONNREFUSED|ENETUNREACH)$/),
      });
      expect(fs.existsSync(written)).toBe(false);
      expect(r2.log).not.toContain("SECRET-LABELS");
      expect(fs.readFileSync(hiddenFile, "utf8")).toBe(HIDDEN_SECRET);
      if (process.getuid?.() === 0 && r2.stats.isolation !== "full")
        throw new Error(`as root the sandbox must be fully isolated; got ${r2.stats.isolation}`);
    } finally {
      server.close();
    }
  });
});

describe("runModelInSandbox: the child never outlives its run", () => {
  it("kills the child at once when the run is aborted, and rejects", async () => {
    const dir = bundleDir();
    writeOnnxBundle(dir, { manifest: makeManifest("onnx", { batchSize: 64 }), heads: "separate", fault: "loop-forever" });
    const controller = new AbortController();
    let nodePid: number | undefined;
    const run = runModelInSandbox({
      bundleDir: dir,
      testCacheDir: cacheDir,
      limits: { ...fast, wallSeconds: 60 },
      signal: controller.signal,
      // Loaded and deep in the endless loop: abort now.
      onReady: ({ pid }) => {
        nodePid = sandboxNodePid(pid);
        controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(nodePid).toBeGreaterThan(0);
    expect(alive(nodePid!)).toBe(false);
  });

  it("exits when its parent dies by SIGKILL (parent-death signal), instead of running to its CPU limit", async () => {
    const dir = bundleDir();
    writeOnnxBundle(dir, { manifest: makeManifest("onnx", { batchSize: 64 }), heads: "separate", fault: "loop-forever" });
    // A parent process that starts a run, says when the model is loaded (deep in the endless
    // loop: native code, no more writes that would fail on a dead pipe), and is then killed
    // without any chance to clean up.
    const script = `const { runModelInSandbox } = require(${JSON.stringify(path.resolve(__dirname, "run-model-in-sandbox.ts"))});
      runModelInSandbox({ bundleDir: ${JSON.stringify(dir)}, testCacheDir: ${JSON.stringify(cacheDir)}, limits: { wallSeconds: 120, cpuSeconds: 120, memoryMb: 1024, threads: 1 },
        onReady: () => console.log("READY") });
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["--import", "tsx", "-e", script], {
      cwd: path.resolve(__dirname, "../.."),
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        parent.stdout.on("data", (b: Buffer) => b.toString().includes("READY") && resolve());
        parent.on("exit", (code) => reject(new Error(`the parent exited (${code}) before the model was loaded`)));
      });
      const nodePid = sandboxNodePid(parent.pid!);
      expect(nodePid).toBeGreaterThan(0);
      parent.kill("SIGKILL");
      await vi.waitFor(() => expect(alive(nodePid!)).toBe(false), { timeout: 10_000, interval: 100 });
    } finally {
      parent.kill("SIGKILL");
    }
  });
});

/** True while the process exists and is not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  const status = procStatus(pid);
  return status.State !== undefined && !status.State.startsWith("Z");
}
