/**
 * The comparison of bench/training.ts: the ONNX training engine, the tfjs wasm data-parallel path
 * and PyTorch on the same models, interleaved round by round. See bench/training.ts.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { CNN_BASELINE_MODEL } from "../lib/baselines/cnn";
import { DataParallelTrainer } from "../lib/ml/data-parallel-trainer";
import { createOnnxTrainer, type OnnxTrainer } from "../lib/ml/onnx-training/create-onnx-trainer";
import { countNetworkFlops, type NetworkSpec } from "../lib/ml/onnx-training/network-spec";
import { referenceNetworkSpec } from "../lib/ml/onnx-training/reference-network-spec";
import { createReferenceCnn, type ReferenceCnnOptions } from "../lib/ml/reference-cnn";
import { selectTrainingBackend } from "../lib/ml/select-backend";

const PYTHON = "/usr/bin/python3";
const TORCH_SCRIPT = path.join(__dirname, "training-pytorch.py");

export type TrainingPath = "onnxruntime" | "wasm" | "pytorch";

export interface CompareRow {
  model: string;
  path: TrainingPath;
  round: number;
  batch: number;
  imagesPerSecond: number;
  bestImagesPerSecond: number;
  imagesPerCpuSecond: number;
  threads: number;
  loadAverage: number;
}

interface ModelCase {
  name: "reference" | "baseline";
  tfjs: ReferenceCnnOptions;
  spec: NetworkSpec;
  batch: number;
}

const log = (s = "") => process.stdout.write(`${s}\n`);
const loadAverage = () => os.loadavg()[0];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function torchAvailable(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function randomImages(n: number, spec: NetworkSpec) {
  const [h, w, c] = spec.input;
  const x = new Float32Array(n * h * w * c);
  for (let i = 0; i < x.length; i++) x[i] = Math.random() * 2 - 1;
  const labels = spec.heads.map((head) => Int32Array.from({ length: n }, () => Math.floor(Math.random() * head.classes)));
  return { x, labels };
}

/** Images/s (mean and best step, wall clock) and images per CPU-second of `steps` calls of `step` after `warmup` untimed ones. */
export async function measureSteps(batch: number, steps: number, warmup: number, step: () => Promise<unknown>) {
  for (let i = 0; i < warmup; i++) await step();
  const times: number[] = [];
  const c0 = cpuMs();
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await step();
    times.push((performance.now() - t0) / 1000);
  }
  const cpuSeconds = (cpuMs() - c0) / 1000;
  return {
    imagesPerSecond: (batch * steps) / times.reduce((a, b) => a + b, 0),
    bestImagesPerSecond: batch / Math.min(...times),
    imagesPerCpuSecond: (batch * steps) / cpuSeconds,
  };
}

export async function compareTrainingPaths(options: {
  rounds: number;
  steps: number;
  warmup: number;
  threads?: number;
  paths?: string[];
  models?: string[];
  jsonOut?: string;
}) {
  // Threads of onnxruntime and PyTorch, and wasm workers (one thread each). 1 compares the
  // kernels without the cross-core synchronisation that a loaded machine punishes.
  const THREADS = options.threads ?? 2;
  const hasTorch = torchAvailable();
  const paths = (options.paths ?? ["onnxruntime", "wasm", "pytorch"]).filter((p): p is TrainingPath => {
    if (p === "pytorch" && !hasTorch) {
      log(`pytorch: skipped (${PYTHON} has no torch; Debian: apt-get install python3-torch)`);
      return false;
    }
    return p === "onnxruntime" || p === "wasm" || p === "pytorch";
  });
  const cases: ModelCase[] = [
    { name: "reference" as const, tfjs: {}, spec: referenceNetworkSpec(), batch: 64 },
    { name: "baseline" as const, tfjs: CNN_BASELINE_MODEL, spec: referenceNetworkSpec(CNN_BASELINE_MODEL), batch: 128 },
  ].filter((c) => !options.models || options.models.includes(c.name));

  log(`Training paths compared, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), node ${process.version}`);
  log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  if (paths.includes("wasm")) log(`wasm: ${(await selectTrainingBackend()).description}, data parallel over ${THREADS} workers`);
  log(`onnxruntime: onnxruntime-node, ${THREADS} intra-op threads, graph optimisation on; pytorch: ${THREADS} threads`);
  log(`${options.rounds} rounds x ${options.steps} timed steps (after ${options.warmup} untimed) per path, interleaved`);
  const rows: CompareRow[] = [];

  for (const c of cases) {
    const flops = countNetworkFlops(c.spec);
    log();
    log(`${c.name}: ${(flops / 1e6).toFixed(1)} MFLOP/image forward, batch ${c.batch}`);
    const { x, labels } = randomImages(c.batch, c.spec);
    let engine: OnnxTrainer | undefined;
    let wasm: { trainer: DataParallelTrainer; model: tf.LayersModel } | undefined;
    try {
      if (paths.includes("onnxruntime")) engine = await createOnnxTrainer({ spec: c.spec, seed: 7, threads: THREADS });
      if (paths.includes("wasm")) {
        const model = createReferenceCnn(tf, { seed: 7, ...c.tfjs });
        wasm = { model, trainer: await DataParallelTrainer.create(model, { workers: THREADS, optimizer: tf.train.adam(1e-3) }) };
      }
      const targets = labels.map((l, k) => {
        const classes = c.spec.heads[k].classes;
        const t = new Float32Array(c.batch * classes);
        l.forEach((y, i) => (t[i * classes + y] = 1));
        return t;
      });
      const [h, w, ch] = c.spec.input;
      for (let round = 1; round <= options.rounds; round++) {
        for (const p of paths) {
          let measured: Pick<CompareRow, "imagesPerSecond" | "bestImagesPerSecond" | "imagesPerCpuSecond">;
          if (p === "onnxruntime") {
            const heads = labels.map((l) => ({ labels: l }));
            measured = await measureSteps(c.batch, options.steps, options.warmup, () =>
              engine!.step({ x, count: c.batch, heads, learningRate: 1e-3 }),
            );
          } else if (p === "wasm") {
            measured = await measureSteps(c.batch, options.steps, options.warmup, () =>
              wasm!.trainer.trainOnBatch({ x: x.slice(), shape: [c.batch, h, w, ch], targets }),
            );
          } else {
            const { stdout } = await promisify(execFile)(PYTHON, [
              TORCH_SCRIPT,
              JSON.stringify(c.spec),
              "--batch",
              String(c.batch),
              "--steps",
              String(options.steps),
              "--warmup",
              String(options.warmup),
              "--threads",
              String(THREADS),
            ]);
            measured = JSON.parse(stdout.trim().split("\n").at(-1)!);
          }
          const row: CompareRow = {
            model: c.name,
            path: p,
            round,
            batch: c.batch,
            threads: THREADS,
            imagesPerSecond: measured.imagesPerSecond,
            bestImagesPerSecond: measured.bestImagesPerSecond,
            imagesPerCpuSecond: measured.imagesPerCpuSecond,
            loadAverage: loadAverage(),
          };
          rows.push(row);
          log(
            `  round ${round} ${p.padEnd(12)} ${row.imagesPerSecond.toFixed(1).padStart(7)} images/s (best step ${row.bestImagesPerSecond.toFixed(1)}, ${row.imagesPerCpuSecond.toFixed(1)}/CPU-s, ${((row.imagesPerSecond * 3 * flops) / 1e9).toFixed(1)} GFLOP/s)  load ${row.loadAverage.toFixed(1)}`,
          );
        }
      }
    } finally {
      await engine?.close();
      if (wasm) {
        await wasm.trainer.close();
        wasm.model.dispose();
      }
    }
  }

  log();
  log(
    `load average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const summary: Record<string, Record<string, number>> = {};
  for (const c of cases) {
    const of = (p: TrainingPath, round: number) => rows.find((r) => r.model === c.name && r.path === p && r.round === round);
    const ratio = (a: TrainingPath, b: TrainingPath, key: "imagesPerSecond" | "imagesPerCpuSecond") => {
      const per: number[] = [];
      for (let round = 1; round <= options.rounds; round++) {
        const ra = of(a, round);
        const rb = of(b, round);
        if (ra && rb) per.push(ra[key] / rb[key]);
      }
      return per.length ? median(per) : undefined;
    };
    const s: Record<string, number> = {};
    for (const p of paths)
      s[`${p} images/s (median)`] = median(rows.filter((r) => r.model === c.name && r.path === p).map((r) => r.imagesPerSecond));
    for (const [a, b] of [
      ["onnxruntime", "pytorch"],
      ["onnxruntime", "wasm"],
    ] as const) {
      const wall = ratio(a, b, "imagesPerSecond");
      const cpu = ratio(a, b, "imagesPerCpuSecond");
      if (wall !== undefined) s[`${a}/${b}`] = wall;
      if (cpu !== undefined) s[`${a}/${b} per CPU-s`] = cpu;
    }
    summary[c.name] = s;
    log(
      `${c.name}: ${Object.entries(s)
        .map(([k, v]) => `${k} ${k.includes("/") && !k.includes("images/s") ? `x${v.toFixed(2)}` : v.toFixed(1)}`)
        .join(", ")}`,
    );
  }
  if (options.jsonOut) fs.writeFileSync(options.jsonOut, JSON.stringify({ loadAverage: os.loadavg(), rows, summary }, null, 2));
}
