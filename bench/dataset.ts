/**
 * Dataset pipeline benchmark: `npx tsx bench/dataset.ts [--count 20000] [--keep]`.
 *
 * Runs generate -> prepare -> cache loading, each stage in its own child process so that the
 * peak resident memory of each (VmHWM, including worker threads) is measured separately, and
 * prints one table with images/s, peak RSS, and the projection to the real dataset size
 * (134,734 images) against the targets: generate + prepare < 10 minutes, RSS < 1 GiB,
 * test split cache load < 1 s (measured on a test cache of the real size, 26,947 images).
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { IMAGE_BYTES, REAL_DATASET } from "../lib/challenge/definition";

const REAL_TEST_COUNT = Math.round(REAL_DATASET.total * 0.2);

interface StageResult {
  stage: string;
  images: number;
  seconds: number;
  peakRssMb: number;
}

function peakRssMb(): number {
  const status = fs.readFileSync("/proc/self/status", "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function runStage(stage: string, work: string, count: number): Promise<StageResult> {
  const dataDir = path.join(work, "data");
  const source = path.join(work, "source");
  const started = performance.now();
  let images = count;
  if (stage === "generate") {
    const { generateSynthetic } = await import("../lib/dataset/synthetic/generate-synthetic");
    await generateSynthetic({ outDir: source, count, seed: 7, layout: "zips" });
  } else if (stage === "prepare") {
    const { prepareDataset } = await import("../lib/dataset/prepare-dataset");
    await prepareDataset({ sourceDir: source, dataDir, splitSeed: "bench-seed" });
  } else if (stage === "load-test-cache") {
    const { loadTensorCache } = await import("../lib/dataset/load-tensor-cache");
    const { buildPaths, resolveCurrentBuildDir } = await import("../lib/dataset/layout");
    const cacheDir = buildPaths((await resolveCurrentBuildDir(dataDir))!).cacheDir;
    const t0 = performance.now();
    const cache = await loadTensorCache(cacheDir, "test");
    images = cache.meta.count;
    return { stage, images, seconds: (performance.now() - t0) / 1000, peakRssMb: peakRssMb() };
  } else if (stage === "load-real-size-test-cache") {
    const { loadTensorCache } = await import("../lib/dataset/load-tensor-cache");
    const cacheDir = path.join(work, "real-size-cache");
    const t0 = performance.now();
    const cache = await loadTensorCache(cacheDir, "test");
    images = cache.meta.count;
    return { stage, images, seconds: (performance.now() - t0) / 1000, peakRssMb: peakRssMb() };
  }
  return { stage, images, seconds: (performance.now() - started) / 1000, peakRssMb: peakRssMb() };
}

/** A test cache of the real test-split size (random pixels), to time the load at full scale. */
function writeRealSizeTestCache(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  const ids = Array.from({ length: REAL_TEST_COUNT }, (_, i) => `tp-${i.toString(36).padStart(12, "0")}`);
  const fd = fs.openSync(path.join(dir, "test.u8"), "w");
  const chunk = crypto.randomBytes(IMAGE_BYTES * 512);
  for (let done = 0; done < REAL_TEST_COUNT; done += 512) {
    const n = Math.min(512, REAL_TEST_COUNT - done);
    fs.writeSync(fd, chunk, 0, n * IMAGE_BYTES);
  }
  fs.closeSync(fd);
  fs.writeFileSync(path.join(dir, "test.json"), JSON.stringify({ count: REAL_TEST_COUNT, height: 108, width: 84, channels: 3, ids }));
}

function child(stage: string, work: string, count: number): StageResult {
  const res = spawnSync(process.execPath, ["--import", "tsx", __filename, "--stage", stage, "--work", work, "--count", String(count)], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (res.status !== 0) throw new Error(`stage ${stage} failed (exit ${res.status})`);
  return JSON.parse(res.stdout.trim().split("\n").pop()!);
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const count = Number(arg("count", "20000"));
  const stage = arg("stage");
  if (stage) {
    const result = await runStage(stage, arg("work")!, count);
    process.stdout.write(JSON.stringify(result) + "\n");
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tp-bench-dataset-"));
  process.stderr.write(`bench/dataset: ${count} images, ${os.cpus().length} cores, work dir ${work}\n`);
  try {
    writeRealSizeTestCache(path.join(work, "real-size-cache"));
    const results = ["generate", "prepare", "load-test-cache", "load-real-size-test-cache"].map((s) => {
      process.stderr.write(`  running ${s}...\n`);
      return child(s, work, count);
    });
    const table = results.map((r) => ({
      stage: r.stage,
      images: r.images,
      seconds: Number(r.seconds.toFixed(3)),
      "images/s": Math.round(r.images / r.seconds),
      "peak RSS MB": Math.round(r.peakRssMb),
    }));
    console.table(table);
    const perImage = results[0].seconds / count + results[1].seconds / count;
    const projected = perImage * REAL_DATASET.total;
    const maxRss = Math.max(results[0].peakRssMb, results[1].peakRssMb);
    console.table([
      {
        target: "generate + prepare 134,734 images",
        measured: `${projected.toFixed(0)} s (${count === REAL_DATASET.total ? "measured" : `scaled from ${count}`})`,
        limit: "600 s",
        "ratio to limit": Number((projected / 600).toFixed(2)),
      },
      {
        target: "peak RSS of generate / prepare",
        measured: `${Math.round(maxRss)} MB`,
        limit: "1024 MB",
        "ratio to limit": Number((maxRss / 1024).toFixed(2)),
      },
      {
        target: `load test cache (${REAL_TEST_COUNT} images)`,
        measured: `${results[3].seconds.toFixed(3)} s`,
        limit: "1 s",
        "ratio to limit": Number(results[3].seconds.toFixed(2)),
      },
    ]);
  } finally {
    if (!process.argv.includes("--keep")) fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
