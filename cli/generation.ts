/**
 * Organizer tools of the generation track: `npm run generation -- train-features [--epochs N]
 * [--pin PHASE_ID]` trains the feature network on the prepared train split, stores it in the
 * blob store, registers it (FeatureNetwork) and prints its SHA-256 on stdout; `--pin` writes it
 * into a generation phase's settings. `pin SHA256 PHASE_ID` pins an already registered one.
 * Messages go to stderr. Refusals exit 1; a platform problem (no dataset) exits 2.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { buildPaths } from "../lib/dataset/layout";
import { readPreparedDataset } from "../lib/dataset/read-prepared-dataset";
import { registerDataset } from "../lib/dataset-records/register-dataset";
import { closeDb, getDb } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate-database";
import { env } from "../lib/env";
import { isAppError } from "../lib/errors/app-error";
import { pinFeatureNetwork } from "../lib/generation/pin-feature-network";
import { registerFeatureNetwork } from "../lib/generation/register-feature-network";
import { DEFAULT_FEATURE_NETWORK_EPOCHS, trainFeatureNetwork } from "../lib/generation/train-feature-network";
import { getBlobStore } from "../lib/storage/get-blob-store";

const say = (msg: string) => process.stderr.write(msg + "\n");

const program = new Command().name("npm run generation --").description("generation track tools for organizers").showHelpAfterError();

program
  .command("train-features")
  .description("train the feature network (attribute CNN, penultimate layer) on the train split, store and register it; prints its SHA-256")
  .option("--epochs <n>", "training epochs", (v) => positiveInt(v, "--epochs"), DEFAULT_FEATURE_NETWORK_EPOCHS)
  .option("--max-images <n>", "train on at most this many train images (quick trials)", (v) => positiveInt(v, "--max-images"))
  .option("--seed <n>", "training seed", (v) => positiveInt(v, "--seed"), 1)
  .option("--pin <phaseId>", "pin the network to this generation phase")
  .action(async (opts: { epochs: number; maxImages?: number; seed: number; pin?: string }) => {
    const config = env();
    const dataset = await readPreparedDataset(config.dataDir);
    if (!dataset) {
      say(`no dataset is prepared in ${config.dataDir} (npm run data -- prepare, or npm start once)`);
      process.exitCode = 2;
      return;
    }
    await migrateDatabase({ databaseUrl: config.databaseUrl });
    const db = getDb();
    const row =
      (await db.dataset.findUnique({ where: { buildId: dataset.buildId } })) ?? (await registerDataset({ db, manifest: dataset }));
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-features-"));
    try {
      say(`training the feature network on build ${dataset.buildId} (${opts.epochs} epoch(s))`);
      const trained = await trainFeatureNetwork({
        cacheDir: buildPaths(dataset.buildDir).cacheDir,
        outDir: workDir,
        epochs: opts.epochs,
        seed: opts.seed,
        maxTrainImages: opts.maxImages,
        onEpoch: (r) =>
          say(
            `epoch ${r.epoch}/${r.epochs}: loss ${r.loss.toFixed(4)}, held-out macro-F1 ${r.validation.main.toFixed(4)}, ${Math.round(r.imagesPerSecond ?? 0)} images/s`,
          ),
      });
      const registered = await registerFeatureNetwork({
        db,
        store: getBlobStore({ db, dataDir: config.dataDir }),
        file: trained.file,
        datasetId: row.id,
        description: `attribute CNN, ${trained.dimensions}-d penultimate layer, ${opts.epochs} epoch(s) on build ${dataset.buildId}`,
        metrics: trained.metrics,
      });
      say(
        `${registered.created ? "registered" : "already registered"}: feature network ${registered.id}, ${registered.dimensions} dimensions`,
      );
      if (opts.pin) {
        await pinFeatureNetwork({ db, phaseId: opts.pin, sha256: registered.sha256 });
        say(`pinned to phase ${opts.pin}`);
      }
      process.stdout.write(`${registered.sha256}\n`);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });

program
  .command("pin <sha256> <phaseId>")
  .description("pin a registered feature network to a generation phase")
  .action(async (sha256: string, phaseId: string) => {
    const config = env();
    await migrateDatabase({ databaseUrl: config.databaseUrl });
    const settings = await pinFeatureNetwork({ db: getDb(), phaseId, sha256 });
    process.stdout.write(`${JSON.stringify(settings)}\n`);
  });

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${value}"`);
  return n;
}

program
  .parseAsync()
  .catch((error: unknown) => {
    say(`error: ${isAppError(error) ? error.userMessage : error instanceof Error ? error.message : String(error)}`);
    process.exitCode = isAppError(error) ? 1 : 2;
  })
  .finally(() => closeDb());
