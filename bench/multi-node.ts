/**
 * `npm run bench:multi-node [-- --submissions 300 --json out.json]`: the rehearsed multi-node
 * deployment of docs/production.md on one machine. A fresh PostgreSQL database (127.0.0.1:5432,
 * trust auth; dropped at the end), a local S3-compatible server (s3rver), shared secrets, 2 web
 * nodes (`npm start`, EMBEDDED_SCORER=0) and 3 scorers (`npm run scorer`), each with its own
 * DATA_DIR; participants upload CSVs and ONNX models through the HTTP API with API tokens,
 * alternating between the web nodes, while scorers are SIGKILLed and restarted at random.
 * Exits 1 unless every submission was scored exactly once and none was lost.
 *
 * The steps are in test-support/multi-node/rehearse-multi-node.ts (the test suite runs a small
 * version: tests/multi-node.test.ts).
 */
import fs from "node:fs";
import os from "node:os";
import { Command } from "commander";
import { parsePositiveInt } from "../lib/terminal/parse-positive-int";
import { rehearseMultiNode, type RehearsalResult } from "../test-support/multi-node/rehearse-multi-node";

const program = new Command()
  .name("npm run bench:multi-node --")
  .description("rehearse a multi-node deployment on one machine: 2 web nodes, 3 scorers, PostgreSQL, S3, scorers killed under load")
  .option("--submissions <n>", "uploads (every 10th an ONNX model, the rest CSVs)", parsePositiveInt, 300)
  .option("--web <n>", "web nodes", parsePositiveInt, 2)
  .option("--scorers <n>", "scorer processes", parsePositiveInt, 3)
  .option("--concurrency <n>", "uploads in flight", parsePositiveInt, 4)
  .option("--lease-ms <ms>", "the scorers' lease: a killed scorer's job is reclaimed after it", parsePositiveInt, 4000)
  .option("--dist-dir <dir>", "Next.js build folder the web nodes serve (built when stale)", ".next-multinode")
  .option("--json <file>", "also write the results as JSON")
  .showHelpAfterError();

const say = (msg: string) => process.stderr.write(`[multi-node] ${msg}\n`);

function printTable(r: RehearsalResult): void {
  const ms = (v: number) => `${Math.round(v)} ms`;
  const rows: [string, string][] = [
    ["nodes", `${r.webNodes} web, ${r.scorers} scorers (separate DATA_DIRs), PostgreSQL, S3 (s3rver)`],
    ["submissions", `${r.submissions} (${r.csvs} CSV, ${r.models} ONNX models); uploads per web node ${r.uploadsPerNode.join(" / ")}`],
    ["refused uploads", String(r.refused)],
    ["scored / failed", `${r.scored} / ${r.failed}`],
    ["lost", String(r.lost)],
    ["scored twice", String(r.duplicates)],
    ["scorer kills (SIGKILL)", String(r.kills)],
    ["reclaimed jobs", `${r.reclaimedJobs} (leases found taken over: ${r.lostLeases})`],
    ["jobs completed per scorer slot", r.completedPerScorerSlot.join(" / ")],
    ["first upload to last scored", `${r.durationSeconds.toFixed(1)} s`],
    ["throughput", `${r.throughputPerSecond.toFixed(2)} submissions/s`],
    ["upload-to-scored p50 / p95 / max", `${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p95)} / ${ms(r.latencyMs.max)}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log("");
  console.log("/metrics of web node 1    before    mid    after");
  const line = (label: string, pick: (m: RehearsalResult["metrics"][number]) => number) =>
    console.log(`${label.padEnd(24)} ${r.metrics.map((m) => String(pick(m)).padStart(8)).join(" ")}`);
  line('tp_queue_jobs{"done"}', (m) => m.queueDone);
  line('tp_queue_jobs{"queued"}', (m) => m.queueQueued);
  line("http requests", (m) => m.httpRequests);
  line("POST /api/submissions", (m) => m.uploadRequests);
  const [before, , after] = r.metrics;
  const moved = after.queueDone > before.queueDone && after.uploadRequests > before.uploadRequests;
  console.log(moved ? "the queue and HTTP counters moved" : "the queue or HTTP counters did NOT move");
}

async function main(): Promise<number> {
  program.parse();
  const opts = program.opts<{
    submissions: number;
    web: number;
    scorers: number;
    concurrency: number;
    leaseMs: number;
    distDir: string;
    json?: string;
  }>();
  const loadAtStart = os.loadavg()[0];
  const result = await rehearseMultiNode({
    submissions: opts.submissions,
    webNodes: opts.web,
    scorers: opts.scorers,
    uploadConcurrency: opts.concurrency,
    leaseMs: opts.leaseMs,
    distDir: opts.distDir,
    log: say,
  });
  console.log(
    `\n${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average at the start ${loadAtStart.toFixed(1)}\n`,
  );
  printTable(result);
  for (const p of result.problems.slice(0, 20)) console.log(`problem: ${p}`);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ date: new Date().toISOString(), loadAtStart, ...result }, null, 2) + "\n");
  const ok = result.lost === 0 && result.duplicates === 0 && result.refused === 0 && result.failed === 0;
  console.log(ok ? "OK: every submission scored exactly once, none lost" : "FAILED: see the problems above");
  return ok ? 0 : 1;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    say(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
