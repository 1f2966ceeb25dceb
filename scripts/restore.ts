/**
 * `npm run restore -- --from DIR [--force]`: brings a backup of `npm run backup` back into this
 * instance (DATA_DIR, DATABASE_URL, BLOB_STORE). Stop the instance first. See docs/operations.md.
 */
import path from "node:path";
import { Command } from "commander";
import { restoreBackup } from "../lib/backup/restore-backup";
import { env } from "../lib/env";
import { getBlobStore } from "../lib/storage/get-blob-store";

const say = (msg: string) => process.stderr.write(`${msg}\n`);

const program = new Command()
  .name("npm run restore --")
  .description("restore a backup into this DATA_DIR and DATABASE_URL (verified against its manifest first)")
  .requiredOption("--from <dir>", "the backup folder")
  .option("--force", "overwrite a DATA_DIR that is not empty")
  .showHelpAfterError()
  .action(async (opts: { from: string; force?: boolean }) => {
    const config = env();
    const result = await restoreBackup({
      fromDir: path.resolve(opts.from),
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      makeStore: (db) => getBlobStore({ db }),
      force: opts.force,
      log: say,
    });
    say(`restored into ${config.dataDir}: database ${result.databaseRestored ? "restored" : "NOT restored"}, ${result.uploads} uploads`);
    if (!result.databaseRestored) process.exitCode = 2;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  say(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
