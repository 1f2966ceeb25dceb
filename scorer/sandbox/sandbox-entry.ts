import fs from "node:fs";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { IMAGE_BYTES } from "@/lib/challenge/definition";
import { sendToParent, toSandboxError } from "./child-io";
import type { GenerateConfig, SandboxConfig, SandboxProbe } from "./protocol";
import type { BatchRunner, Tf } from "./tfjs-runner";

/**
 * The sandbox child. Bundled into one file by build-sandbox-entry.ts and started by
 * run-model-in-sandbox.ts under Node's permission model, rlimits and bubblewrap (its own
 * filesystem, namespaces and an unprivileged uid). It reads the model bundle and test.u8,
 * nothing else, and writes class indices as
 * JSON lines on fd 3 (in generate mode, generate-runner.ts: no test images, generated images back). Worker threads of the tfjs wasm backend run this same file.
 */

async function main(): Promise<void> {
  if (!isMainThread) {
    const { cfg } = workerData as { role: "tfjs-worker"; cfg: SandboxConfig };
    const { runTfjsWorker } = await import("./tfjs-runner");
    await runTfjsWorker(await loadTf(cfg), cfg, parentPort!);
    return;
  }

  const parsed = JSON.parse(process.argv[2]) as SandboxConfig | GenerateConfig;
  for (const probe of parsed.probes ?? []) sendToParent({ t: "probe", probe, outcome: await attempt(probe) });
  if ("mode" in parsed && parsed.mode === "generate") {
    // The generation track: same walls, same process, images instead of predictions.
    try {
      const { runGenerator } = await import("./generate-runner");
      await runGenerator(parsed, () => loadTf(parsed));
    } catch (e) {
      const se = toSandboxError(e, "the generator failed");
      sendToParent({ t: "error", reason: se.reason, message: se.message });
      process.exit(1);
    }
    process.exit(0);
  }
  const cfg = parsed as SandboxConfig;

  const t0 = performance.now();
  let runner: BatchRunner;
  try {
    runner = await createRunner(cfg);
  } catch (e) {
    const se = toSandboxError(e, "the model could not be loaded");
    sendToParent({ t: "error", reason: se.reason, message: se.message });
    process.exit(1);
  }
  sendToParent({ t: "ready", backend: runner.backend, loadSeconds: (performance.now() - t0) / 1000, batchSize: runner.batchSize });

  const t1 = performance.now();
  const fd = fs.openSync(cfg.imagesFile, "r");
  try {
    const inflight = new Set<Promise<void>>();
    for (let start = 0; start < cfg.count; start += runner.batchSize) {
      const n = Math.min(runner.batchSize, cfg.count - start);
      const pixels = new Uint8Array(n * IMAGE_BYTES);
      const got = fs.readSync(fd, pixels, 0, pixels.length, start * IMAGE_BYTES);
      if (got !== pixels.length) throw new Error(`test.u8 is shorter than ${cfg.count} images`);
      const p: Promise<void> = runner.run(pixels, start, n).then((idx) => {
        sendToParent({ t: "preds", start, n, idx: Array.from(idx) });
      });
      inflight.add(p);
      void p.then(
        () => inflight.delete(p),
        () => undefined,
      );
      if (inflight.size >= runner.parallelism) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } catch (e) {
    const se = toSandboxError(e, "the model failed");
    sendToParent({ t: "error", reason: se.reason, message: se.message });
    process.exit(1);
  }
  fs.closeSync(fd);
  sendToParent({ t: "done", seconds: (performance.now() - t1) / 1000 });
  await runner.close();
  process.exit(0);
}

async function createRunner(cfg: SandboxConfig): Promise<BatchRunner> {
  if (cfg.backend === "onnxruntime") {
    const { createOnnxRunner } = await import("./onnx-runner");
    return createOnnxRunner(cfg);
  }
  const { createTfjsWorkerPool, loadTfjsPredictor } = await import("./tfjs-runner");
  if (cfg.backend === "tfjs-wasm") return createTfjsWorkerPool(cfg, __filename);
  // tfjs-node: native and multi-threaded already, so one instance in this thread.
  const predictor = await loadTfjsPredictor(await loadTf(cfg), cfg);
  return {
    backend: "tfjs-node",
    batchSize: predictor.batchSize,
    parallelism: 1,
    run: (pixels, start, n) => predictor.predict(pixels, n, start),
    close: async () => undefined,
  };
}

/** tfjs with the backend the parent chose; never the pure-JS cpu backend (it is not even bundled). */
async function loadTf(cfg: Pick<SandboxConfig, "backend" | "tfjsNodeModule" | "wasmDir">): Promise<Tf> {
  if (cfg.backend === "tfjs-node") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require(cfg.tfjsNodeModule!) as Tf;
    await tf.ready();
    if (tf.getBackend() !== "tensorflow") throw new Error(`tfjs-node loaded but the backend is "${tf.getBackend()}"`);
    return tf;
  }
  const core = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops");
  const layers = await import("@tensorflow/tfjs-layers");
  const converter = await import("@tensorflow/tfjs-converter");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths(cfg.wasmDir!.endsWith("/") ? cfg.wasmDir! : `${cfg.wasmDir}/`);
  const ok = await core.setBackend("wasm");
  await core.ready();
  if (!ok || core.getBackend() !== "wasm") throw new Error("the tfjs wasm backend could not start (no fallback to the slow cpu backend)");
  return { ...core, loadLayersModel: layers.loadLayersModel, loadGraphModel: converter.loadGraphModel };
}

/** Test-only probes: each must fail inside the sandbox. Reports the error code, or "ok". */
async function attempt(probe: SandboxProbe): Promise<string> {
  try {
    if (probe.op === "read") fs.readFileSync(probe.path);
    else if (probe.op === "write") fs.writeFileSync(probe.path, "sandbox was here");
    else if (probe.op === "spawn") {
      const cp = await import("node:child_process");
      const r = cp.spawnSync(probe.path, [], { timeout: 2000 });
      if (r.error) throw r.error;
    } else {
      const net = await import("node:net");
      await new Promise<void>((resolve, reject) => {
        const s = net.connect({ host: probe.host, port: probe.port, timeout: 2000 }, () => {
          s.destroy();
          resolve();
        });
        s.on("error", reject);
        s.on("timeout", () => reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
      });
    }
    return "ok";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

main().catch((e) => {
  const se = toSandboxError(e, "the sandbox failed");
  try {
    sendToParent({ t: "error", reason: se.reason, message: se.message });
  } catch {
    // The parent is gone; nothing left to tell.
  }
  process.exit(1);
});
