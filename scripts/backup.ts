/**
 * `npm run backup -- --out DIR [--full-dataset]`: a consistent copy of this instance (DATA_DIR,
 * DATABASE_URL, BLOB_STORE) in DIR, with a manifest of hashes. See docs/operations.md.
 */
import path from "node:path";
import { Command } from "commander";
import { createBackup } from "../lib/backup/create-backup";
import { closeDb, getDb } from "../lib/db/client";
import { env } from "../lib/env";
import { getBlobStore } from "../lib/storage/get-blob-store";

const say = (msg: string) => process.stderr.write(`${msg}\n`);

const program = new Command()
  .name("npm run backup --")
  .description("back up this instance: database, secrets, uploads, the prepared dataset's manifest")
  .requiredOption("--out <dir>", "a new or empty folder (keep it private: it holds the secrets)")
  .option("--full-dataset", "also copy the whole current dataset build (archives, caches, hidden labels)")
  .showHelpAfterError()
  .action(async (opts: { out: string; fullDataset?: boolean }) => {
    const config = env();
    const db = getDb();
    const manifest = await createBackup({
      db,
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      store: getBlobStore({ db }),
      outDir: path.resolve(opts.out),
      fullDataset: opts.fullDataset,
      log: say,
    });
    say(
      `backup written to ${path.resolve(opts.out)}: ${manifest.files.length} files${manifest.database ? "" : " (database NOT included: see above)"}`,
    );
    if (!manifest.database) process.exitCode = 2;
  });

program
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    say(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
