/**
 * `npm run score -- FILE.csv` and `npm run score -- --model FILE.zip|FILE.onnx [--manifest m.json]`
 * (and for the generation track `--track generation --model F [--manifest M] | --images ZIP_OR_FOLDER`,
 * score-generation-cli.ts):
 * scores a file locally against the current prepared dataset, exactly as the queue would
 * (same validation, same sandbox, same metrics), without the database. For organizers: check a
 * baseline, reproduce a participant's score, try the scorer on the real data.
 *
 * stdout: the full metrics of the public and the private part as JSON. stderr: messages. A file
 * that is refused exits 1 with the reasons; a platform problem (no dataset) exits 2.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { readPreparedDataset } from "@/lib/dataset/read-prepared-dataset";
import { buildPaths } from "@/lib/dataset/layout";
import { engineOf, sqliteFilePath } from "@/lib/db/engine";
import { env } from "@/lib/env";
import { scoreCsv } from "@/lib/scoring/score-csv";
import { sandboxMaskPaths, scoreModel } from "@/scorer/handlers/score-model";
import { uploadsDir } from "@/lib/storage/local-disk-blob-store";
import { formatCsvProblems } from "@/lib/submissions/parse-predictions-csv";
import os from "node:os";
import { GenerationRefusedError, runGenerationCli, type GenerationCliOptions } from "@/scorer/score-generation-cli";

const say = (msg: string) => process.stderr.write(msg + "\n");

class RefusedError extends Error {}

const program = new Command()
  .name("npm run score --")
  .description("score a predictions CSV or a model against the current prepared dataset (public and private parts)")
  .argument("[file]", "predictions CSV (Image_Id,Gender,Hair_Color,Hair_Type)")
  .option("--model <file>", "a model: zip with manifest.json, or a bare .onnx with --manifest")
  .option("--manifest <file>", "manifest.json for a bare .onnx model")
  .option("--threads <n>", "inference threads in the sandbox", (v) => Math.max(1, Number(v) || 1), 2)
  .option("--track <track>", "attributes (default) or generation", "attributes")
  .option("--images <zipOrFolder>", "generation track: a zip or folder of exactly N 84x108 PNGs")
  .option("--count <n>", "generation track: images to generate or expect (default 10000)", (v) => Number(v))
  .option("--seed <n>", "generation track: latent seed (default 1)", (v) => Number(v))
  .option(
    "--feature-network <fileOrSha256>",
    "generation track: feature network bundle or registered SHA-256 (default: newest for the dataset)",
  )
  .showHelpAfterError();

async function main(): Promise<number> {
  program.parse();
  const [csvFile] = program.args;
  const opts = program.opts<{ model?: string; manifest?: string; threads: number; track: string } & GenerationCliOptions>();
  if (opts.track === "generation") return scoreGeneration(opts);
  if (opts.track !== "attributes") {
    say(`--track: "${opts.track}" is not a track (attributes, generation)`);
    return 2;
  }
  if (!!csvFile === !!opts.model) {
    program.outputHelp({ error: true });
    say("\ngive either a CSV file or --model FILE");
    return 2;
  }
  const config = env();
  const dataset = await readPreparedDataset(config.dataDir);
  if (!dataset) {
    say(`no dataset is prepared in ${config.dataDir} (npm run data -- prepare, or npm start once)`);
    return 2;
  }
  const started = performance.now();

  if (csvFile) {
    const file = path.resolve(csvFile);
    if (!fs.existsSync(file)) throw new RefusedError(`${csvFile}: no such file`);
    const result = await scoreCsv({
      dataDir: config.dataDir,
      buildDir: dataset.buildDir,
      input: fs.createReadStream(file),
      maxBytes: config.MAX_CSV_BYTES,
    });
    if (!result.ok) throw new RefusedError([`${csvFile} was not accepted:`, ...formatCsvProblems(result)].join("\n"));
    print({ kind: "csv", file, buildId: dataset.buildId, rows: result.rows, ms: performance.now() - started, scores: result.scores });
    return 0;
  }

  const file = path.resolve(opts.model!);
  if (!fs.existsSync(file)) throw new RefusedError(`${opts.model}: no such file`);
  const manifestJson = opts.manifest ? fs.readFileSync(path.resolve(opts.manifest), "utf8") : undefined;
  const url = config.databaseUrl;
  const maskPaths = await sandboxMaskPaths({
    candidates: [uploadsDir(config.dataDir), ...(engineOf(url) === "sqlite" ? [path.dirname(path.resolve(sqliteFilePath(url)))] : [])],
    needed: [buildPaths(dataset.buildDir).cacheDir, os.tmpdir()],
  });
  const result = await scoreModel({
    dataDir: config.dataDir,
    buildDir: dataset.buildDir,
    file,
    manifestJson,
    maskPaths,
    limits: { threads: opts.threads },
  });
  if (!result.ok) {
    const tail = result.log.trim() ? `\n--- sandbox log (end) ---\n${result.log.trim().slice(-4000)}` : "";
    throw new RefusedError(`${opts.model} ${result.reason === "bundle" ? "was refused" : "failed"}: ${result.message}${tail}`);
  }
  const s = result.stats;
  say(
    `${s.images} images with ${s.backend} in ${s.seconds.toFixed(2)} s (${Math.round(s.imagesPerSecond)} images/s), isolation ${s.isolation}`,
  );
  print({
    kind: "model",
    format: result.format,
    file,
    buildId: dataset.buildId,
    ms: performance.now() - started,
    stats: s,
    scores: result.scores,
  });
  return 0;
}

async function scoreGeneration(opts: GenerationCliOptions): Promise<number> {
  const config = env();
  const dataset = await readPreparedDataset(config.dataDir);
  if (!dataset) {
    say(`no dataset is prepared in ${config.dataDir} (npm run data -- prepare, or npm start once)`);
    return 2;
  }
  try {
    const out = await runGenerationCli({ opts, config, dataset, say });
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    return 0;
  } catch (error) {
    if (error instanceof GenerationRefusedError) throw new RefusedError(error.message);
    throw error;
  }
}

function print(
  out: { scores: { public: { main: number | null }; private: { main: number | null } }; ms: number } & Record<string, unknown>,
): void {
  const { scores, ...rest } = out;
  say(`public main ${fmt(scores.public.main)}, private main ${fmt(scores.private.main)} (${Math.round(out.ms)} ms)`);
  process.stdout.write(JSON.stringify({ ...rest, ms: Math.round(out.ms), public: scores.public, private: scores.private }, null, 2) + "\n");
}

const fmt = (x: number | null) => (x === null ? "n/a" : x.toFixed(4));

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof RefusedError) {
      say(error.message);
      process.exit(1);
    }
    say(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
