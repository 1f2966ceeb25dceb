/**
 * `npx tsx bench/worker-start.ts [--runs N]`: what starting TypeScript in another thread or
 * process costs through lib/workers, next to the tsx-based ways the project used before
 * (docs/decisions/0009-one-worker-launcher.md).
 *
 * - bundling: first use (an empty cache folder) and later uses (the manifest check) of each
 *   real entry;
 * - a worker thread on render-worker.ts until its "ready" message: bundled, vs. an eval
 *   bootstrap that registers tsx and requires the .ts file;
 * - a process running `baselines/main.ts --help` to its exit: bundled, vs. `node --import tsx`.
 *
 * Medians of N runs (default 5). The machine is shared: compare columns of one run.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { projectRoot } from "../lib/db/paths";
import { bundleWorkerEntry, type BundleWorkerEntryOptions } from "../lib/workers/bundle-worker-entry";
import { startWorkerThread } from "../lib/workers/start-worker-thread";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 5) : 5;
const root = projectRoot();

const ENTRIES: (BundleWorkerEntryOptions & { label: string })[] = [
  { label: "png worker", entry: "lib/dataset/png-worker.ts" },
  { label: "render worker", entry: "lib/dataset/synthetic/render-worker.ts" },
  { label: "cnn trainer (baselines/main.ts)", entry: "baselines/main.ts" },
  {
    label: "sandbox child (packages bundled)",
    entry: "scorer/sandbox/sandbox-entry.ts",
    bundlePackages: true,
    external: ["onnxruntime-node", "@tensorflow/tfjs-node"],
    mainFields: ["module", "main"],
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 1 : 0).padStart(6)} ms`;

async function timeThread(start: () => Promise<Worker> | Worker): Promise<number> {
  const t0 = performance.now();
  const worker = await start();
  await new Promise<void>((resolve, reject) => {
    worker.on("message", (m: { ready?: boolean }) => m.ready && resolve());
    worker.on("error", reject);
  });
  const ms = performance.now() - t0;
  await worker.terminate();
  return ms;
}

function timeProcess(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "ignore" });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${r.status}`);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}, ${RUNS} runs\n`);

  console.log("bundling                               first use     later use   bundle size");
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tp-bench-workers-"));
  try {
    for (const e of ENTRIES) {
      const cold: number[] = [];
      const warm: number[] = [];
      let size = 0;
      for (let i = 0; i < RUNS; i++) {
        const cacheDir = path.join(scratch, String(i), e.label.replace(/\W+/g, "-"));
        const first = await bundleWorkerEntry({ ...e, cacheDir });
        const again = await bundleWorkerEntry({ ...e, cacheDir });
        if (first.reused || !again.reused) throw new Error(`${e.label}: the cache did not behave`);
        cold.push(first.ms);
        warm.push(again.ms);
        size = fs.statSync(first.file).size;
      }
      console.log(`${e.label.padEnd(36)} ${fmt(median(cold))}   ${fmt(median(warm))}   ${(size / 1024).toFixed(0).padStart(6)} KB`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  const renderEntry = path.join(root, "lib/dataset/synthetic/render-worker.ts");
  const tsxApi = createRequire(path.join(root, "package.json")).resolve("tsx/cjs/api");
  const bootstrap = `require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(renderEntry)});`;
  await startWorkerThread({ entry: renderEntry }).then((w) => w.terminate()); // the bundle exists from here on
  const bundledThread: number[] = [];
  const tsxThread: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bundledThread.push(await timeThread(() => startWorkerThread({ entry: renderEntry })));
    tsxThread.push(await timeThread(() => new Worker(bootstrap, { eval: true, execArgv: [] })));
  }

  const main = await bundleWorkerEntry({ entry: "baselines/main.ts" });
  const bundledProcess: number[] = [];
  const tsxProcess: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bundledProcess.push(timeProcess([main.file, "--help"]));
    tsxProcess.push(timeProcess(["--import", "tsx", "baselines/main.ts", "--help"]));
  }

  console.log("\nper start                              lib/workers   tsx (before)");
  console.log(`${"thread: render worker to ready".padEnd(36)} ${fmt(median(bundledThread))}   ${fmt(median(tsxThread))}`);
  console.log(`${"process: baselines/main.ts --help".padEnd(36)} ${fmt(median(bundledProcess))}   ${fmt(median(tsxProcess))}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
