/**
 * Training benchmark: `npm run bench:training -- [--rounds 3] [--steps 4] [--warmup 2]
 *   [--threads 2] [--paths onnxruntime,pytorch] [--models reference,baseline] [--json out.json]`.
 *
 * Trains the reference CNN (lib/ml/reference-cnn.ts as an engine spec, batch 64, ~40 MFLOP per
 * image forward) and the cnn baseline's model (lib/baselines/cnn.ts, batch 128, ~7.5 MFLOP) on
 * random data with Adam and three softmax heads, on each training path, in the same run:
 *   - `onnxruntime`: the ONNX training engine (lib/ml/onnx-training: one step graph in
 *     onnxruntime-node with --threads intra-op threads, Adam in JavaScript);
 *   - `pytorch`: PyTorch on the CPU with --threads threads (bench/training-pytorch.py builds the
 *     same network from the same spec), when /usr/bin/python3 has torch
 *     (Debian: apt-get install python3-torch).
 * The paths are interleaved (A B A B ...) round by round, so a change in the machine's load hits
 * both alike; the ratios are taken per round and their median printed, in images/s and in images
 * per CPU-second (the cost, whatever the load). `--json FILE` writes every row ({ model, path,
 * round, batch, threads, imagesPerSecond, bestImagesPerSecond, imagesPerCpuSecond, loadAverage })
 * and the summary. The tfjs wasm path this used to compare against is gone
 * (docs/decisions/0010-onnx-training-engine.md has its last figures).
 *
 * `--profile`: instead of the comparison, runs --steps engine steps per model (after --warmup)
 * with onnxruntime's profiler on and prints the kernel time per operator type, in ms per step
 * and as a share of the step's kernel time.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { CNN_BASELINE_MODEL } from "../lib/baselines/cnn";
import { createOnnxTrainer, type OnnxTrainer } from "../lib/ml/onnx-training/create-onnx-trainer";
import { countNetworkFlops, type NetworkSpec } from "../lib/ml/onnx-training/network-spec";
import { referenceNetworkSpec } from "../lib/ml/onnx-training/reference-network-spec";

const PYTHON = "/usr/bin/python3";
const TORCH_SCRIPT = path.join(__dirname, "training-pytorch.py");
const PATHS = ["onnxruntime", "pytorch"] as const;
type TrainingPath = (typeof PATHS)[number];

interface Row {
  model: string;
  path: TrainingPath;
  round: number;
  batch: number;
  threads: number;
  imagesPerSecond: number;
  bestImagesPerSecond: number;
  imagesPerCpuSecond: number;
  loadAverage: number;
}

const args = process.argv.slice(2);
const value = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const count = (name: string, fallback: number) => {
  const text = value(name);
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < (name === "warmup" ? 0 : 1)) throw new Error(`--${name} expects a whole number, got "${text}"`);
  return n;
};
const list = (name: string) => value(name)?.split(",");

const log = (s = "") => process.stdout.write(`${s}\n`);
const loadAverages = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function torchAvailable(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function randomBatch(n: number, spec: NetworkSpec) {
  const [h, w, c] = spec.input;
  const x = new Float32Array(n * h * w * c);
  for (let i = 0; i < x.length; i++) x[i] = Math.random() * 2 - 1;
  const heads = spec.heads.map((head) => ({ labels: Int32Array.from({ length: n }, () => Math.floor(Math.random() * head.classes)) }));
  return { x, heads };
}

/** Images/s (mean and best step, wall clock) and images per CPU-second of `steps` calls of `step` after `warmup` untimed ones. */
async function measureSteps(batch: number, steps: number, warmup: number, step: () => Promise<unknown>) {
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

/** Kernel time (µs) per operator type in onnxruntime profile files, and the number of runs they cover. */
function summariseProfile(files: string[]): { byOp: Map<string, number>; runs: number } {
  const byOp = new Map<string, number>();
  let runs = 0;
  for (const file of files) {
    const events = JSON.parse(fs.readFileSync(file, "utf8")) as {
      cat?: string;
      name?: string;
      dur?: number;
      args?: { op_name?: string };
    }[];
    for (const e of events) {
      if (e.cat === "Session" && e.name === "model_run") runs++;
      if (e.cat === "Node" && e.name?.endsWith("_kernel_time") && e.args?.op_name)
        byOp.set(e.args.op_name, (byOp.get(e.args.op_name) ?? 0) + (e.dur ?? 0));
    }
  }
  return { byOp, runs };
}

async function profileEngine(cases: { name: string; spec: NetworkSpec; batch: number }[], steps: number, warmup: number, threads: number) {
  for (const c of cases) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-train-profile-"));
    try {
      const { x, heads } = randomBatch(c.batch, c.spec);
      // Warm-up steps in a session without the profiler, so the profile holds only the timed steps.
      const warm = await createOnnxTrainer({ spec: c.spec, seed: 7, threads });
      for (let i = 0; i < warmup; i++) await warm.step({ x, count: c.batch, heads, learningRate: 1e-3 });
      await warm.close();
      const engine = await createOnnxTrainer({ spec: c.spec, seed: 7, threads, profileFilePrefix: path.join(dir, "step") });
      const t0 = performance.now();
      let runMs = 0;
      for (let i = 0; i < steps + 1; i++) {
        const r = await engine.step({ x, count: c.batch, heads, learningRate: 1e-3 });
        if (i > 0) runMs += r.timing.runMs;
      }
      const wallMs = performance.now() - t0;
      await engine.close();
      const { byOp, runs } = summariseProfile(fs.readdirSync(dir).map((f) => path.join(dir, f)));
      // The profile covers every run of the profiled session (steps + 1; its first run also pays
      // the session's one-time allocations), so the kernel times are averaged over all of them;
      // the graph-run time excludes that first run.
      const total = [...byOp.values()].reduce((a, b) => a + b, 0);
      log();
      log(
        `${c.name} (batch ${c.batch}, ${threads} threads): ${runs} profiled runs, graph run ${(runMs / steps).toFixed(1)} ms per step (the last ${steps}), ${(wallMs / (steps + 1)).toFixed(1)} ms wall per step, kernel time ${(total / 1000 / runs).toFixed(1)} ms per run; load ${loadAverages()}`,
      );
      for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]))
        log(`  ${op.padEnd(20)} ${(us / 1000 / runs).toFixed(2).padStart(8)} ms/step  ${((100 * us) / total).toFixed(1).padStart(5)}%`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function main() {
  const rounds = count("rounds", 3);
  const steps = count("steps", 4);
  const warmup = count("warmup", 2);
  // Threads of onnxruntime and of PyTorch. 1 compares the kernels without the cross-core
  // synchronisation that a loaded machine punishes.
  const threads = count("threads", 2);
  const jsonOut = value("json");
  const hasTorch = torchAvailable();
  const paths = (list("paths") ?? [...PATHS]).filter((p): p is TrainingPath => {
    if (!(PATHS as readonly string[]).includes(p)) throw new Error(`--paths: unknown path "${p}" (known: ${PATHS.join(", ")})`);
    if (p === "pytorch" && !hasTorch) {
      log(`pytorch: skipped (${PYTHON} has no torch; Debian: apt-get install python3-torch)`);
      return false;
    }
    return true;
  });
  const cases = [
    { name: "reference", spec: referenceNetworkSpec(), batch: 64 },
    { name: "baseline", spec: referenceNetworkSpec(CNN_BASELINE_MODEL), batch: 128 },
  ].filter((c) => !list("models") || list("models")!.includes(c.name));

  if (args.includes("--profile")) return profileEngine(cases, steps, warmup, threads);

  log(`Training paths compared, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), node ${process.version}`);
  log(`load average at start: ${loadAverages()}`);
  log(`onnxruntime: onnxruntime-node, ${threads} intra-op threads, graph optimisation on; pytorch: ${threads} threads`);
  log(`${rounds} rounds x ${steps} timed steps (after ${warmup} untimed) per path, interleaved`);
  const rows: Row[] = [];

  for (const c of cases) {
    const flops = countNetworkFlops(c.spec);
    log();
    log(`${c.name}: ${(flops / 1e6).toFixed(1)} MFLOP/image forward, batch ${c.batch}`);
    const { x, heads } = randomBatch(c.batch, c.spec);
    let engine: OnnxTrainer | undefined;
    try {
      if (paths.includes("onnxruntime")) engine = await createOnnxTrainer({ spec: c.spec, seed: 7, threads });
      for (let round = 1; round <= rounds; round++) {
        for (const p of paths) {
          let measured: Pick<Row, "imagesPerSecond" | "bestImagesPerSecond" | "imagesPerCpuSecond">;
          if (p === "onnxruntime") {
            measured = await measureSteps(c.batch, steps, warmup, () => engine!.step({ x, count: c.batch, heads, learningRate: 1e-3 }));
          } else {
            const torchArgs = [JSON.stringify(c.spec), "--batch", c.batch, "--steps", steps, "--warmup", warmup, "--threads", threads];
            const { stdout } = await promisify(execFile)(PYTHON, [TORCH_SCRIPT, ...torchArgs.map(String)]);
            measured = JSON.parse(stdout.trim().split("\n").at(-1)!) as typeof measured;
          }
          const row: Row = { model: c.name, path: p, round, batch: c.batch, threads, ...measured, loadAverage: os.loadavg()[0] };
          rows.push(row);
          log(
            `  round ${round} ${p.padEnd(12)} ${row.imagesPerSecond.toFixed(1).padStart(7)} images/s (best step ${row.bestImagesPerSecond.toFixed(1)}, ${row.imagesPerCpuSecond.toFixed(1)}/CPU-s, ${((row.imagesPerSecond * 3 * flops) / 1e9).toFixed(1)} GFLOP/s)  load ${row.loadAverage.toFixed(1)}`,
          );
        }
      }
    } finally {
      await engine?.close();
    }
  }

  log();
  log(`load average at end: ${loadAverages()}`);
  const summary: Record<string, Record<string, number>> = {};
  for (const c of cases) {
    const of = (p: TrainingPath, round: number) => rows.find((r) => r.model === c.name && r.path === p && r.round === round);
    const s: Record<string, number> = {};
    for (const p of paths)
      s[`${p} images/s (median)`] = median(rows.filter((r) => r.model === c.name && r.path === p).map((r) => r.imagesPerSecond));
    for (const key of ["imagesPerSecond", "imagesPerCpuSecond"] as const) {
      const per: number[] = [];
      for (let round = 1; round <= rounds; round++) {
        const [a, b] = [of("onnxruntime", round), of("pytorch", round)];
        if (a && b) per.push(a[key] / b[key]);
      }
      if (per.length) s[key === "imagesPerSecond" ? "onnxruntime/pytorch" : "onnxruntime/pytorch per CPU-s"] = median(per);
    }
    summary[c.name] = s;
    log(
      `${c.name}: ${Object.entries(s)
        .map(([k, v]) => `${k} ${k.includes("images/s") ? v.toFixed(1) : `x${v.toFixed(2)}`}`)
        .join(", ")}`,
    );
  }
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ loadAverage: os.loadavg(), rows, summary }, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
