/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL (default: the SQLite
 * file under DATA_DIR, whose folder is created). Safe to run any number of times.
 */
import { redactUrl } from "../lib/db/engine";
import { migrateDatabase } from "../lib/db/migrate-database";
import { env } from "../lib/env";

async function main(): Promise<void> {
  const { databaseUrl } = env();
  const result = await migrateDatabase({ databaseUrl });
  const what = result.applied.length === 0 ? "already up to date" : `applied ${result.applied.join(", ")}`;
  console.log(`${result.engine} ${redactUrl(databaseUrl)}: ${what} (${(result.durationMs / 1000).toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
