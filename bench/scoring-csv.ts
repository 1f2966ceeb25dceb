/**
 * CSV submission cost, end to end minus I/O: parse + validate a predictions CSV for a test split
 * of the real size, then score it on both parts. Target: under 100 ms together, since this sits on
 * the upload-to-leaderboard path of every CSV submission.
 *
 *   npx tsx bench/scoring-csv.ts [runs]
 *
 * Synthetic data: 26,947 test rows (20% of 134,734), ids like tp-xxxxxxxxxxxx, labels drawn from
 * the real marginals (with their n/a share), predictions ~85% right. Stages run round-robin for
 * several rounds after a warm-up; the machines are shared, so read the ratios, not the absolutes.
 */
import os from "node:os";
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { performance } from "node:perf_hooks";
import { CLASSES, NA, REAL_DATASET, SUBMISSION_CSV_HEADER, type Attribute } from "../lib/challenge/definition";
import { computeScores } from "../lib/metrics/compute-scores";
import type { HiddenLabelRow, Prediction } from "../lib/metrics/types";
import { parsePredictionsCsv } from "../lib/submissions/parse-predictions-csv";
import { mulberry32 } from "../lib/random/mulberry32";

const TEST_ROWS = 26_947;
const RUNS = Number(process.argv[2] ?? 21);
const WARMUP = 3;
const ACCURACY = 0.85;

// Deterministic, so every run of the bench times the same file.
const random = mulberry32(42);

function draw(counts: Record<string, number>): string {
  const total = Object.values(counts).reduce((s, c) => s + c, 0);
  let r = random() * total;
  for (const [label, c] of Object.entries(counts)) {
    r -= c;
    if (r < 0) return label;
  }
  return Object.keys(counts)[0];
}

function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(random() * xs.length)];
}

function buildData() {
  const labels: HiddenLabelRow[] = [];
  const ids = new Set<string>();
  while (ids.size < TEST_ROWS) {
    ids.add("tp-" + Array.from({ length: 12 }, () => pick("0123456789abcdef".split(""))).join(""));
  }
  for (const id of ids) {
    labels.push({
      Image_Id: id,
      Split: random() < 0.5 ? "public" : "private",
      Gender: draw(REAL_DATASET.counts.Gender) as HiddenLabelRow["Gender"],
      Hair_Color: draw(REAL_DATASET.counts.Hair_Color) as HiddenLabelRow["Hair_Color"],
      Hair_Type: draw(REAL_DATASET.counts.Hair_Type) as HiddenLabelRow["Hair_Type"],
    });
  }
  const guess = (attr: Attribute, truth: string) =>
    truth !== NA && random() < ACCURACY ? truth : pick(CLASSES[attr] as readonly string[]);
  const rows = labels.map((row) =>
    [row.Image_Id, guess("Gender", row.Gender), guess("Hair_Color", row.Hair_Color), guess("Hair_Type", row.Hair_Type)].join(","),
  );
  // CRLF as Windows tools write it. Two orders: the sample submission's (what most participants
  // send back) and shuffled (the worst case: every id is a hash lookup).
  const toCsv = (lines: string[]) => Buffer.from([SUBMISSION_CSV_HEADER.join(","), ...lines].join("\r\n") + "\r\n");
  const inOrder = toCsv(rows);
  const shuffled = toCsv(shuffle([...rows]));
  return { labels, ids, inOrder, shuffled };
}

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function streamOf(buf: Buffer, chunk = 64 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  return Readable.from(parts);
}

/** csv-parse with the same options and nothing else: the floor under parse+validate. */
async function csvParseOnly(csv: Buffer): Promise<number> {
  const parser = parse({ bom: true, trim: true, relax_column_count: true, skip_empty_lines: false, max_record_size: 10_000 });
  let n = 0;
  parser.on("data", () => n++);
  await new Promise<void>((resolve, reject) => {
    parser.on("end", resolve);
    parser.on("error", reject);
    parser.end(csv);
  });
  return n;
}

async function main() {
  const { labels, ids, inOrder, shuffled } = buildData();
  const maxBytes = 10 * 1024 * 1024;

  const validate = async (input: Buffer | Readable, expectedIds: Set<string> | string[]) => {
    const r = await parsePredictionsCsv({ input, expectedIds, maxBytes });
    if (!r.ok) throw new Error(`bench CSV rejected: ${r.errors[0].message}`);
    return r.predictions;
  };
  const predictions: Map<string, Prediction> = await validate(shuffled, ids);
  let scores = computeScores({ labels, predictions });

  const stages: [string, () => Promise<unknown> | unknown][] = [
    ["csv-parse alone (floor, shuffled)", () => csvParseOnly(shuffled)],
    ["parse+validate, shuffled rows", () => validate(shuffled, ids)],
    ["parse+validate, sample order", () => validate(inOrder, ids)],
    ["parse+validate, shuffled, 64 KiB stream", () => validate(streamOf(shuffled), ids)],
    ["parse+validate, shuffled, new ids array", () => validate(shuffled, [...ids])],
    ["score (public + private)", () => (scores = computeScores({ labels, predictions }))],
    ["parse+validate+score, shuffled", async () => computeScores({ labels, predictions: await validate(shuffled, ids) })],
    ["parse+validate+score, sample order", async () => computeScores({ labels, predictions: await validate(inOrder, ids) })],
  ];
  // Round-robin, so that load from other processes on this shared machine hits every stage alike.
  // CPU time beside wall time: with other jobs on the machine, wall time includes waiting for
  // a core, CPU time (all threads of this process, GC included) much less so.
  const times: number[][] = stages.map(() => []);
  const cpu: number[][] = stages.map(() => []);
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (let s = 0; s < stages.length; s++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await stages[s][1]();
      const dt = performance.now() - t0;
      const dc = process.cpuUsage(c0);
      if (round >= WARMUP) {
        times[s].push(dt);
        cpu[s].push((dc.user + dc.system) / 1000);
      }
    }
  }

  const headline = median(times[stages.length - 2]);
  console.log(
    `\nCSV scoring bench: ${TEST_ROWS.toLocaleString("en-US")} rows, ${(shuffled.length / 1e6).toFixed(2)} MB CSV, ` +
      `${RUNS} rounds after ${WARMUP} warm-up, node ${process.version}, load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} CPUs\n`,
  );
  console.log(`| stage | median ms | min ms | CPU ms (median) | rows/s (median) | vs parse+validate+score |`);
  console.log(`|---|---:|---:|---:|---:|---:|`);
  stages.forEach(([name], s) => {
    const m = median(times[s]);
    const rate = Math.round(TEST_ROWS / (m / 1000)).toLocaleString("en-US");
    console.log(
      `| ${name} | ${m.toFixed(2)} | ${Math.min(...times[s]).toFixed(2)} | ${median(cpu[s]).toFixed(1)} | ${rate} | ${(m / headline).toFixed(2)} |`,
    );
  });
  const p = scores.public;
  console.log(
    `\npublic main ${p.main?.toFixed(4)} (n=${p.n}), hair colour macro-F1 female/male ${p.fairness.hairColorMacroF1Female?.toFixed(4)}/` +
      `${p.fairness.hairColorMacroF1Male?.toFixed(4)}; private main ${scores.private.main?.toFixed(4)} (n=${scores.private.n})`,
  );
  console.log(
    `target: parse+validate+score < 100 ms (shuffled, median) -> ${headline < 100 ? "met" : "NOT met"} (${headline.toFixed(1)} ms)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
