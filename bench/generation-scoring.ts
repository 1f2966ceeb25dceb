/**
 * Scoring a 10,000-image generator end to end, the way the queue does it: the generator (a zip,
 * default: the PCA baseline of `npm run baselines:generation`) runs in the sandbox, its images are
 * streamed to a temp file, the feature network embeds them, and every metric is computed for both
 * test parts. The real features are computed once first (they are cached per feature network
 * and build, as in production), so the timed run is what each submission costs.
 *
 *   npm run bench:generation-scoring [-- GENERATOR.zip [N]]
 *
 * Prints each stage's seconds, the peak resident memory, and the share of the 2-minute
 * budget. Needs a prepared dataset and a registered feature network (npm run generation --
 * train-features). The machine is shared: read the ratios, and the load average printed with them.
 */
import os from "node:os";
import path from "node:path";
import { readPreparedDataset } from "../lib/dataset/read-prepared-dataset";
import { env } from "../lib/env";
import { runGenerationCli } from "../scorer/score-generation-cli";

const BUDGET_S = 120;

async function main(): Promise<void> {
  const file = path.resolve(process.argv[2] ?? "generation-baselines/pca.zip");
  const count = Number(process.argv[3] ?? 10_000);
  const config = env();
  const dataset = await readPreparedDataset(config.dataDir);
  if (!dataset) throw new Error(`no dataset is prepared in ${config.dataDir}`);
  const say = (msg: string) => process.stderr.write(`  ${msg}\n`);
  // Warm-up: fills the real-feature cache (a one-off per feature network and build).
  await runGenerationCli({ opts: { model: file, count: 1000, threads: 2 }, config, dataset, say });
  const t0 = performance.now();
  const r = await runGenerationCli({ opts: { model: file, count, threads: 2 }, config, dataset, say });
  const total = (performance.now() - t0) / 1000;
  const s = r.seconds as { generate: number; features: number; metrics: number; total: number };
  const row = (name: string, sec: number) =>
    console.log(`${name.padEnd(28)} ${sec.toFixed(1).padStart(7)} s  ${((100 * sec) / BUDGET_S).toFixed(0).padStart(4)}% of ${BUDGET_S} s`);
  console.log(
    `${count} images from ${path.basename(file)}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${os.availableParallelism()} cores`,
  );
  row("generate (sandbox)", s.generate);
  row("generated features", s.features);
  row("metrics (both parts)", s.metrics);
  row("end to end", total);
  console.log(
    `peak resident memory of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; main ${(r.main as number).toFixed(3)}`,
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
