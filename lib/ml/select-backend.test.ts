import { once } from "node:events";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { spawnWorkerProcess } from "../workers/spawn-worker-process";
import { selectTrainingBackend, tfjsNodeAvailable } from "./select-backend";

describe("selectTrainingBackend", () => {
  it("picks wasm with SIMD and the training kernels when tfjs-node is absent", async () => {
    if (tfjsNodeAvailable()) return; // then it picks tensorflow: covered by the benchmark
    const b = await selectTrainingBackend();
    expect(b.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(b.simd).toBe(true);
    expect(b.threads).toBeGreaterThanOrEqual(1);
    expect(b.trainingKernels).toBe(true);
    expect(b.description).toMatch(/^wasm \(SIMD on, \d+ threads?, training kernels patched\)$/);
  });

  it("gives the cpu backend only when asked explicitly with allowCpu", async () => {
    await expect(selectTrainingBackend({ backend: "cpu" })).rejects.toThrow(/allowCpu/);
    const cpu = await selectTrainingBackend({ backend: "cpu", allowCpu: true });
    expect(cpu.backend).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    const back = await selectTrainingBackend();
    expect(back.backend).toBe(tfjsNodeAvailable() ? "tensorflow" : "wasm");
  });

  it("throws a clear error instead of silently using cpu when wasm cannot start (fresh process)", async () => {
    const child = await spawnWorkerProcess({
      entry: "test-support/workers/select-backend-without-wasm.ts",
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
    await once(child, "exit");
    const result = JSON.parse(/RESULT(.*)/.exec(stdout)![1]);
    expect(result.strict).toMatch(/wasm backend could not start.*Refusing to fall back to the pure-JS cpu backend.*allowCpu/);
    expect(result.fallback).toBe("cpu");
    expect(result.reason).toMatch(/nonexistent/);
  });
});
