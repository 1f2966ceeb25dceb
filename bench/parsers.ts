/**
 * Upload parsers on hostile input: how long each takes to refuse a pathological file, next to
 * the time it takes to accept a valid file of the same kind (the ratio is what matters: a
 * parser is bounded when hostile input costs no more than honest input of the largest size we
 * accept). Also the longest stall of the event loop while each runs, since these checks run
 * inside the web server at upload.
 *
 *   npm run bench:parsers [-- runs]
 *
 * CSV against 26,947 test ids (the real test split's size) and the 20 MiB upload limit; ONNX,
 * zip and manifest at the default model limits. Medians of `runs` (default 5) after a warm-up;
 * the machine is shared, so read the ratios.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { onnx } from "onnx-proto";
import { buildOnnxModel, makeManifest, onnxOutputs } from "../test-support/models/model-fixtures";
import { craftZip } from "../test-support/models/craft-zip";
import { checkOnnxModel } from "../lib/models/check-onnx-model";
import { inspectModelBundle } from "../lib/models/inspect-model-bundle";
import { DEFAULT_MODEL_BUNDLE_LIMITS } from "../lib/models/limits";
import { parsePredictionsCsv } from "../lib/submissions/parse-predictions-csv";

const RUNS = Number(process.argv[2] ?? 5);
const TEST_IDS = 26_947;
const CSV_LIMIT = 20 * 1024 * 1024;
const HEADER = "Image_Id,Gender,Hair_Color,Hair_Type\n";

interface Row {
  group: string;
  name: string;
  bytes: number;
  ms: number;
  stallMs: number;
  outcome: string;
}

async function measure(run: () => Promise<string> | string): Promise<{ ms: number; stallMs: number; outcome: string }> {
  await run(); // warm-up
  const times: number[] = [];
  let stall = 0;
  let outcome = "";
  for (let i = 0; i < RUNS; i++) {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    // Let the sampling timer start first: a stall right after enable() would go unseen.
    await new Promise((r) => setTimeout(r, 5));
    const t = performance.now();
    outcome = await run();
    times.push(performance.now() - t);
    // Let the histogram see the last stall before reading it.
    await new Promise((r) => setTimeout(r, 5));
    delay.disable();
    stall = Math.max(stall, delay.max / 1e6);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], stallMs: stall, outcome };
}

function csvOutcome(r: Awaited<ReturnType<typeof parsePredictionsCsv>>): string {
  if (r.ok) return `accepted, ${r.rows} rows`;
  const first = r.errors[0];
  return `refused: ${first.line ? `line ${first.line}: ` : ""}${first.message.slice(0, 60)}${r.unchecked ? " (stopped early)" : ""}`;
}

async function csvRows(): Promise<Row[]> {
  const ids = Array.from({ length: TEST_IDS }, (_, i) => `tp-${i.toString(16).padStart(12, "0")}`);
  const valid = Buffer.from(HEADER + ids.map((id, i) => `${id},${i % 2 ? "female" : "male"},black,wavy\n`).join(""));
  const cases: [string, Buffer][] = [
    ["valid, 26,947 rows", valid],
    ["100,000 two-field rows", Buffer.from(HEADER + "tp-000000000000,male\n".repeat(100_000))],
    ["10,000,000 lines of ','", Buffer.from(HEADER + ",\n".repeat(10_000_000))],
    ["19 MiB of ',,,,'", Buffer.from(HEADER + ",,,,\n".repeat(Math.floor((19 * 1024 * 1024) / 5)))],
    ["20 MB of blank lines", Buffer.from(HEADER + "\n".repeat(20_000_000))],
    ["20 MB unclosed quote", Buffer.from(HEADER + '"' + "a".repeat(20_000_000))],
    ["20 MB of unknown ids", Buffer.from(HEADER + "tp-ffffffffffff,male,black,wavy\n".repeat(600_000))],
  ];
  const rows: Row[] = [];
  for (const [name, buf] of cases) {
    const m = await measure(async () => csvOutcome(await parsePredictionsCsv({ input: buf, expectedIds: ids, maxBytes: CSV_LIMIT })));
    rows.push({ group: "csv", name, bytes: buf.length, ...m });
  }
  return rows;
}

/** Protobuf length-delimited field. */
function lenField(field: number, payload: Buffer): Buffer {
  const len: number[] = [];
  let n = payload.length;
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    len.push(b);
  } while (n);
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...len]), payload]);
}

async function onnxRows(): Promise<Row[]> {
  const m = makeManifest("onnx");
  const manifest = { ...m, outputs: onnxOutputs(m, "sliced") };
  const SIZE = 100 * 1024 * 1024;
  // Valid: the fixture model plus a 100 MB initializer (raw_data is skipped, never copied).
  const base = buildOnnxModel({ manifest, heads: "sliced" });
  const decoded = onnx.ModelProto.decode(base);
  decoded.graph!.initializer!.push(
    onnx.TensorProto.create({ name: "big", dims: [SIZE / 4], dataType: onnx.TensorProto.DataType.FLOAT, rawData: Buffer.alloc(SIZE) }),
  );
  const valid = Buffer.from(onnx.ModelProto.encode(decoded).finish());
  // Many ordinary nodes: a large but honest graph.
  const manyNodes = onnx.ModelProto.decode(base);
  for (let i = 0; i < 20_000; i++)
    manyNodes.graph!.node!.push(onnx.NodeProto.create({ opType: "Identity", input: [`a${i}`], output: [`b${i}`], name: `n${i}` }));
  const nodes = Buffer.from(onnx.ModelProto.encode(manyNodes).finish());

  const emptyInits = lenField(7, Buffer.alloc(SIZE, Buffer.from([(5 << 3) | 2, 0])));
  const unknownFields = Buffer.alloc(SIZE, Buffer.from([30 << 3, 0]));
  let deep = lenField(1, lenField(4, Buffer.from("Identity")));
  for (let i = 0; i < 1000; i++) {
    const attr = Buffer.concat([lenField(1, Buffer.from("then_branch")), lenField(6, deep)]);
    deep = lenField(1, Buffer.concat([lenField(4, Buffer.from("If")), lenField(5, attr)]));
  }
  const depthBomb = lenField(7, deep);

  const cases: [string, Buffer][] = [
    ["valid, 20,000 nodes", nodes],
    ["valid, 100 MB initializer", valid],
    ["100 MB of empty initializers", emptyInits],
    ["100 MB of unknown fields", unknownFields],
    ["1,000 nested If graphs", depthBomb],
  ];
  const rows: Row[] = [];
  for (const [name, bytes] of cases) {
    const r = await measure(() => {
      const c = checkOnnxModel({ bytes, manifest: name.startsWith("valid") ? manifest : null, limits: DEFAULT_MODEL_BUNDLE_LIMITS });
      return c.ok ? `accepted, ${c.summary.nodeCount} nodes` : `refused: ${c.errors[0].slice(0, 70)}`;
    });
    rows.push({ group: "onnx", name, bytes: bytes.length, ...r });
  }
  return rows;
}

async function zipRows(): Promise<Row[]> {
  const m = makeManifest("onnx");
  const manifest = { ...m, outputs: onnxOutputs(m, "sliced") };
  const model = buildOnnxModel({ manifest, heads: "sliced" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-bench-parsers-"));
  const write = (name: string, buf: Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, buf);
    return file;
  };
  // The two entries of a valid model bundle; the large-entry-count case adds its own after them.
  const bundle = [
    { name: "manifest.json", data: JSON.stringify(manifest) },
    { name: "model.onnx", data: model },
  ];
  const longName = (i: number) => `${String(i).padStart(4, "0")}/${"a".repeat(240)}`;
  const files: [string, string][] = [
    ["valid zip, 2 entries", write("valid.zip", craftZip(bundle))],
    [
      "256 entries, long names",
      write("many.zip", craftZip([...bundle, ...Array.from({ length: 254 }, (_, i) => ({ name: longName(i), data: "x" }))])),
    ],
    ["10,000 entries", write("bomb.zip", craftZip(Array.from({ length: 10_000 }, (_, i) => ({ name: `f${i}`, data: "" }))))],
    [
      "5 MB manifest.json",
      write(
        "manifest.zip",
        craftZip([
          { name: "manifest.json", data: JSON.stringify({ ...manifest, pad: "x".repeat(5_000_000) }), compress: false },
          { name: "model.onnx", data: model },
        ]),
      ),
    ],
  ];
  const rows: Row[] = [];
  try {
    for (const [name, file] of files) {
      const r = await measure(async () => {
        const res = await inspectModelBundle({ file, maxBytes: 300 * 1024 * 1024 });
        return res.ok ? "accepted" : `refused: ${res.errors[0].slice(0, 70)}`;
      });
      rows.push({ group: "zip", name, bytes: fs.statSync(file).size, ...r });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

async function main() {
  console.log(`bench/parsers: ${RUNS} runs per case, median; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  const rows = [...(await csvRows()), ...(await onnxRows()), ...(await zipRows())];
  const valid = new Map<string, number>();
  for (const r of rows) if (r.name.startsWith("valid") && !valid.has(r.group)) valid.set(r.group, r.ms);
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `${pad("group", 6)}${pad("input", 32)}${"MB".padStart(7)}${"ms".padStart(9)}${"x valid".padStart(9)}${"stall ms".padStart(10)}  outcome`,
  );
  for (const r of rows) {
    const ratio = r.ms / valid.get(r.group)!;
    console.log(
      `${pad(r.group, 6)}${pad(r.name, 32)}${(r.bytes / 1e6).toFixed(1).padStart(7)}${r.ms.toFixed(1).padStart(9)}${ratio.toFixed(2).padStart(9)}${r.stallMs.toFixed(0).padStart(10)}  ${r.outcome}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
