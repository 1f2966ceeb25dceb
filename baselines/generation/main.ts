/**
 * `npm run baselines:generation -- [--out DIR] [--count N] [--score]`: builds the generation
 * track's baselines from the prepared train split and writes them as submission files:
 *
 * - pca.zip: the PCA "eigenportrait" sampler (mean + top-64 principal directions, seconds to fit);
 * - resampling.zip: train-set resampling (256 train images picked by the latent: what copying scores);
 * - noise.zip: a linear generator with a random basis around grey (unstructured noise, the floor);
 * - with --score, also fresh synthetic portraits from the platform's own renderer with a new seed
 *   (as an images folder: what a generator that matches the data-generating process scores),
 *   and every entry scored as the queue would (sandbox, feature network); a JSON table on stdout.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { IMAGES_DIR_NAME } from "@/lib/challenge/definition";
import { buildPaths } from "@/lib/dataset/layout";
import { readPreparedDataset, type PreparedDataset } from "@/lib/dataset/read-prepared-dataset";
import { generateSynthetic } from "@/lib/dataset/synthetic/generate-synthetic";
import { openTrainImageReader } from "@/lib/baselines/open-train-image-reader";
import { vaeBaseline } from "@/lib/baselines/generation-baseline-definitions";
import { shuffledRange } from "@/lib/baselines/split-holdout";
import { env } from "@/lib/env";
import { buildLinearGenerator } from "@/lib/generation/build-linear-generator";
import { buildResamplingGenerator } from "@/lib/generation/build-resampling-generator";
import { drawNormals } from "@/lib/generation/draw-normals";
import { fitEigenportraits } from "@/lib/generation/fit-eigenportraits";
import type { GeneratorManifest } from "@/lib/generation/generator-manifest";
import { IMAGE_BYTES } from "@/lib/challenge/definition";
import { createZipWriter } from "@/lib/zip/create-zip-writer";
import { GenerationRefusedError, runGenerationCli } from "@/scorer/score-generation-cli";

const say = (msg: string) => process.stderr.write(msg + "\n");

/** Train images the PCA is fitted on: 2,000 give stable top-64 directions (the 64th variance moves < 5% between seeds) in seconds. */
const PCA_IMAGES = 2000;
/** Train images the resampling table holds: enough to look like the data, 28 MB of float32 in the model. */
const RESAMPLING_IMAGES = 256;
/** A new seed for the synthetic renderer (the default dataset uses 20210801): unseen portraits. */
const FRESH_SYNTHETIC_SEED = 777;

async function writeGeneratorZip(file: string, onnx: Uint8Array, manifest: GeneratorManifest): Promise<void> {
  const zip = await createZipWriter(file);
  await zip.add("manifest.json", Buffer.from(JSON.stringify(manifest, null, 2) + "\n"), { compress: true });
  await zip.add(manifest.model, Buffer.from(onnx), { compress: true });
  await zip.finish();
}

async function main(): Promise<number> {
  const program = new Command()
    .name("npm run baselines:generation --")
    .option("--out <dir>", "output folder", "generation-baselines")
    .option("--count <n>", "images per scoring run", (v) => Number(v), 10_000)
    .option("--seed <n>", "latent seed of the scoring runs", (v) => Number(v), 1)
    .option("--feature-network <fileOrSha256>", "feature network to score with (default: newest registered)")
    .option("--score", "score every baseline (and fresh synthetic portraits) and print a table")
    .option("--reuse", "keep baseline files already in --out instead of fitting them again")
    .option("--vae", "also train the VAE baseline (minutes) into vae.zip")
    .parse();
  const opts = program.opts<{
    out: string;
    count: number;
    seed: number;
    featureNetwork?: string;
    score?: boolean;
    reuse?: boolean;
    vae?: boolean;
  }>();
  const config = env();
  const dataset = await readPreparedDataset(config.dataDir);
  if (!dataset) {
    say(`no dataset is prepared in ${config.dataDir}`);
    return 2;
  }
  const out = path.resolve(opts.out);
  fs.mkdirSync(out, { recursive: true });
  const names = ["pca", "resampling", "noise"];
  const files: Record<string, { kind: "generator" | "images"; file: string }> = Object.fromEntries(
    names.map((n) => [n, { kind: "generator" as const, file: path.join(out, `${n}.zip`) }]),
  );
  if (!opts.reuse || !names.every((n) => fs.existsSync(files[n].file))) await buildBaselines(dataset, out);
  if (opts.vae) {
    files.vae = { kind: "generator", file: path.join(out, "vae.zip") };
    if (!opts.reuse || !fs.existsSync(files.vae.file)) {
      const vae = await vaeBaseline.run({
        cacheDir: buildPaths(dataset.buildDir).cacheDir,
        onEpoch: (e) => say(`vae: epoch ${e.epoch}/${e.epochs} reconstruction RMSE ${e.rmse255.toFixed(2)}/255, KL ${e.kl.toFixed(1)}`),
      });
      await writeGeneratorZip(files.vae.file, vae.onnx, vae.manifest);
      say(`vae: ${vae.summary}; ${vae.trainSeconds.toFixed(1)} s`);
    }
  }
  if (!opts.score) {
    process.stdout.write(JSON.stringify(files, null, 2) + "\n");
    return 0;
  }
  const syntheticDir = path.join(out, `synthetic-${FRESH_SYNTHETIC_SEED}`);
  if (
    !fs.existsSync(path.join(syntheticDir, IMAGES_DIR_NAME)) ||
    fs.readdirSync(path.join(syntheticDir, IMAGES_DIR_NAME)).length !== opts.count
  ) {
    fs.rmSync(syntheticDir, { recursive: true, force: true });
    say(`rendering ${opts.count} fresh synthetic portraits (seed ${FRESH_SYNTHETIC_SEED})`);
    await generateSynthetic({ outDir: syntheticDir, count: opts.count, seed: FRESH_SYNTHETIC_SEED, layout: "folder" });
  }
  files.synthetic = { kind: "images", file: path.join(syntheticDir, IMAGES_DIR_NAME) };
  const table: Record<string, unknown>[] = [];
  for (const [name, entry] of Object.entries(files)) {
    say(`scoring ${name}`);
    try {
      const r = await runGenerationCli({
        opts: {
          [entry.kind === "generator" ? "model" : "images"]: entry.file,
          count: opts.count,
          seed: opts.seed,
          featureNetwork: opts.featureNetwork,
          threads: 2,
        },
        config,
        dataset,
        say,
      });
      const pick = (k: string) => r[k];
      table.push({
        name,
        ...Object.fromEntries(
          [
            "main",
            "fpd",
            "kid",
            "precision",
            "recall",
            "density",
            "coverage",
            "nearCopyShare",
            "memorised",
            "penalty",
            "meanMinCosine",
            "ct",
          ].map((k) => [k, pick(k)]),
        ),
        privateMain: (r.private as { main: number }).main,
        seconds: r.seconds,
      });
    } catch (e) {
      if (!(e instanceof GenerationRefusedError)) throw e;
      table.push({ name, refused: e.message });
    }
  }
  table.sort((a, b) => ((a.main as number) ?? Infinity) - ((b.main as number) ?? Infinity));
  process.stdout.write(JSON.stringify(table, null, 2) + "\n");
  return 0;
}

/** Fits and writes pca.zip, resampling.zip and noise.zip into `out`. */
async function buildBaselines(dataset: PreparedDataset, out: string): Promise<void> {
  const reader = await openTrainImageReader({ cacheDir: buildPaths(dataset.buildDir).cacheDir });
  const order = shuffledRange({ count: reader.count, seed: 5 });
  try {
    let t = performance.now();
    const pcaRows = order.slice(0, Math.min(PCA_IMAGES, reader.count));
    const pca = await fitEigenportraits({ images: await reader.read(pcaRows), count: pcaRows.length });
    const pcaModel = buildLinearGenerator({ mean: pca.mean, basis: pca.basis, name: "pca_eigenportraits" });
    await writeGeneratorZip(path.join(out, "pca.zip"), pcaModel.onnx, pcaModel.manifest);
    say(
      `pca: fitted on ${pcaRows.length} images in ${((performance.now() - t) / 1000).toFixed(1)} s; 64 directions explain ${(pca.explained * 100).toFixed(1)}% of the variance`,
    );

    t = performance.now();
    const tableRows = order.slice(pcaRows.length, pcaRows.length + RESAMPLING_IMAGES);
    const resampling = buildResamplingGenerator({
      images: await reader.read(tableRows),
      count: tableRows.length,
      name: "train_resampling",
    });
    await writeGeneratorZip(path.join(out, "resampling.zip"), resampling.onnx, resampling.manifest);
    say(`resampling: ${tableRows.length} train images in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // Grey plus a random linear image of the latent: per-pixel standard deviation 64, no structure.
    const basis = drawNormals({ seed: 13, count: 64 * IMAGE_BYTES }).map((v) => v * 8);
    const noise = buildLinearGenerator({ mean: new Float32Array(IMAGE_BYTES).fill(128), basis, name: "noise" });
    await writeGeneratorZip(path.join(out, "noise.zip"), noise.onnx, noise.manifest);
  } finally {
    await reader.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    say(`error: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(2);
  },
);
