/**
 * Measures prepareDataset on a fixture source: images/s overall and per stage, peak RSS, and
 * the time to load the test tensor cache. Run:
 *
 *   npx tsx test-support/dataset/bench-prepare.ts --count 3000 --layout zips [--dir /tmp/x] [--distinct 500] [--decoder sharp]
 *
 * The fixture is kept in --dir/source-<count>-<layout> and reused by later runs.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadTensorCache } from "../../lib/dataset/load-tensor-cache";
import { buildPaths } from "../../lib/dataset/layout";
import { prepareDataset } from "../../lib/dataset/prepare-dataset";
import { makeFixtureDataset } from "./make-fixture-dataset";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const count = Number(arg("count", "3000"));
  const layout = arg("layout", "zips") as "zips" | "images-folder";
  const base = arg("dir", path.join(os.tmpdir(), "tiny-portraits-bench"));
  const distinct = arg("distinct", "");
  const decoder = arg("decoder", "auto") as "auto" | "sharp";
  const sourceDir = path.join(base, `source-${count}-${layout}${distinct ? `-d${distinct}` : ""}`);
  const dataDir = path.join(base, "data");

  if (!fs.existsSync(path.join(sourceDir, ".complete"))) {
    fs.rmSync(sourceDir, { recursive: true, force: true });
    const t = performance.now();
    await makeFixtureDataset({
      dir: sourceDir,
      count,
      layout,
      imagesPerZip: 2048,
      distinctImages: distinct ? Number(distinct) : undefined,
    });
    fs.writeFileSync(path.join(sourceDir, ".complete"), "");
    console.log(`fixture: ${count} images in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }

  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await prepareDataset({ sourceDir, dataDir, splitSeed: "bench-seed", decoder });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());

  const t1 = performance.now();
  const test = await loadTensorCache(buildPaths(result.buildDir).cacheDir, "test");
  const loadMs = performance.now() - t1;

  console.log(
    `prepare: ${count} images (${layout}, decoder ${decoder}) in ${seconds.toFixed(1)} s = ${Math.round(count / seconds)} images/s`,
  );
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    `CPU: ${cpuSeconds.toFixed(1)} s (${((cpuSeconds / count) * 1000).toFixed(2)} ms per image; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`,
  );
  console.log(`stages (ms): ${JSON.stringify(result.manifest.timings)}`);
  console.log(`peak RSS: ${(peakRss / 2 ** 20).toFixed(0)} MiB`);
  console.log(`loadTensorCache(test): ${test.meta.count} images, ${(test.pixels.length / 1e6).toFixed(0)} MB in ${loadMs.toFixed(0)} ms`);
  for (const d of result.manifest.downloads) console.log(`  ${d.name}: ${(d.sizeBytes / 1e6).toFixed(1)} MB`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
