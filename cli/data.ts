/**
 * Organizer CLI for the dataset: `npm run data -- <command>`.
 *   generate       write a synthetic dataset in the real Tiny Portraits layout
 *   prepare        validate a source folder and make it the served dataset
 *   export-labels  write the hidden test labels (organizers only: keep the file private)
 *   info           counts per split and per label
 *   move-uploads   copy the uploads to another blob store (disk, database, s3), verified
 * Messages and progress go to stderr, results to stdout; a bad input exits non-zero
 * with the message and changes nothing.
 */
import path from "node:path";
import { Command } from "commander";
import { env } from "../lib/env";
import { closeDb, getDb } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate-database";
import { isDatasetError } from "../lib/dataset/dataset-error";
import { exportLabels } from "../lib/dataset/export-labels";
import { formatDatasetInfo, getDatasetInfo } from "../lib/dataset/dataset-info";
import { generateSynthetic } from "../lib/dataset/synthetic/generate-synthetic";
import { prepareAndRegisterDataset } from "../lib/setup/prepare-and-register-dataset";
import { createStageProgress } from "../lib/terminal/progress";
import { parsePositiveInt } from "../lib/terminal/parse-positive-int";
import { BLOB_STORE_KINDS, type BlobStoreKind } from "../lib/storage/blob-store";
import { getBlobStore } from "../lib/storage/get-blob-store";
import { moveUploads } from "../lib/storage/move-uploads";

const say = (msg: string) => process.stderr.write(msg + "\n");

const program = new Command().name("npm run data --").description("Tiny Portraits dataset tools for organizers").showHelpAfterError();

program
  .command("generate")
  .description("write a synthetic dataset in the real layout (CSV + folder of PNGs, or 2,048-image zips)")
  .requiredOption("--out <dir>", "output folder (created; must not already hold a dataset)")
  .requiredOption("--count <n>", "number of portraits", parsePositiveInt)
  .option("--seed <n>", "generator seed (same seed and count give identical files)", parsePositiveInt, 1)
  .option("--zips", "write Tiny_Portraits_Zipfiles/*.zip instead of Tiny_Portraits_Images/")
  .action(async (opts: { out: string; count: number; seed: number; zips?: boolean }) => {
    const progress = createStageProgress();
    const started = Date.now();
    const result = await generateSynthetic({
      outDir: path.resolve(opts.out),
      count: opts.count,
      seed: opts.seed,
      layout: opts.zips ? "zips" : "folder",
      onProgress: (done, total) => progress.update("generate", done, total),
    });
    progress.stop();
    const seconds = (Date.now() - started) / 1000;
    say(
      `wrote ${result.count} portraits to ${path.resolve(opts.out)} in ${seconds.toFixed(1)} s (${Math.round(result.count / seconds)} images/s)`,
    );
  });

program
  .command("prepare")
  .description("validate a dataset folder and make it the served dataset (splits, test ids, archives, tensor cache)")
  .requiredOption("--source <dir>", "folder with Tiny_Portraits_Attributes.csv and Tiny_Portraits_Images/ or Tiny_Portraits_Zipfiles/")
  .option("--force", "replace the current dataset even though it has submissions")
  .option("--skip-bad-rows", "leave out rows with a bad label or image (listed in the report) instead of failing")
  .action(async (opts: { source: string; force?: boolean; skipBadRows?: boolean }) => {
    const config = env();
    await migrateDatabase({ databaseUrl: config.databaseUrl });
    const progress = createStageProgress();
    const started = Date.now();
    let result;
    try {
      result = await prepareAndRegisterDataset({
        db: getDb(),
        dataDir: config.dataDir,
        sourceDir: opts.source,
        splitSeedOverride: config.SPLIT_SEED,
        force: opts.force,
        skipBadRows: opts.skipBadRows,
        onProgress: (stage, done, total) => progress.update(stage, done, total),
      });
    } finally {
      progress.stop();
    }
    const { manifest } = result;
    for (const w of manifest.report.warnings) say(`warning: ${w}`);
    if (manifest.report.skipped.length) say(`skipped ${manifest.report.skipped.length} bad rows (listed in dataset.json)`);
    const seconds = (Date.now() - started) / 1000;
    say(`prepared ${manifest.buildId} in ${seconds.toFixed(1)} s (${Math.round(manifest.counts.total / seconds)} images/s)`);
    process.stdout.write(formatDatasetInfo((await getDatasetInfo({ dataDir: config.dataDir }))!) + "\n");
  });

program
  .command("export-labels")
  .description("write the hidden test labels as Image_Id,Split,Gender,Hair_Color,Hair_Type (keep this file private)")
  .requiredOption("--out <file>", "CSV file to write")
  .action(async (opts: { out: string }) => {
    const result = await exportLabels({ dataDir: env().dataDir, outPath: path.resolve(opts.out) });
    say(`wrote ${result.rows} test labels to ${result.path}`);
  });

program
  .command("info")
  .description("counts per split and per label of the prepared dataset")
  .action(async () => {
    const info = await getDatasetInfo({ dataDir: env().dataDir });
    if (!info) {
      say("no dataset is prepared yet: run `npm run data -- prepare --source DIR` (or `npm start` for the synthetic default)");
      process.exitCode = 1;
      return;
    }
    process.stdout.write(formatDatasetInfo(info) + "\n");
  });

program
  .command("move-uploads")
  .description(
    "copy every upload from the configured blob store (BLOB_STORE) to another one, verified by size and SHA-256; run again to resume",
  )
  .requiredOption("--to <store>", `target store: ${BLOB_STORE_KINDS.join(" | ")} (s3 reads S3_BUCKET, S3_ENDPOINT, AWS_* credentials)`)
  .option("--from <store>", "source store (default: BLOB_STORE)")
  .option("--delete-source", "remove each upload from the source once the target holds it verified")
  .action(async (opts: { to: string; from?: string; deleteSource?: boolean }) => {
    const config = env();
    const isKind = (v: string): v is BlobStoreKind => (BLOB_STORE_KINDS as readonly string[]).includes(v);
    const fromKind = opts.from ?? config.BLOB_STORE;
    if (!isKind(opts.to) || !isKind(fromKind)) throw new Error(`stores are ${BLOB_STORE_KINDS.join(", ")}`);
    await migrateDatabase({ databaseUrl: config.databaseUrl });
    const db = getDb();
    const result = await moveUploads({
      db,
      from: getBlobStore({ db, kind: fromKind }),
      to: getBlobStore({ db, kind: opts.to }),
      deleteSource: opts.deleteSource,
      log: say,
    });
    say(
      `${result.copied} copied (${(result.bytes / 1024 / 1024).toFixed(1)} MiB), ${result.alreadyThere} already in ${opts.to}` +
        `${result.deletedFromSource ? `, ${result.deletedFromSource} removed from ${fromKind}` : ""}`,
    );
    for (const key of result.missing) say(`warning: ${key} is in neither store (its submission cannot be rescored)`);
    say(`now set BLOB_STORE=${opts.to} on every web node and scorer, and restart them`);
  });

program
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    if (isDatasetError(err)) say(`error: ${err.message}`);
    else if (err instanceof Error) say(`error: ${process.env.DEBUG ? err.stack : err.message}`);
    else say(`error: ${String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
