/**
 * Organizer CLI for accounts: `npm run users -- list | promote EMAIL | demote EMAIL`.
 * The list goes to stdout, messages to stderr; an unknown e-mail exits 1 and changes nothing.
 */
import os from "node:os";
import { closeDb, getDb } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate-database";
import { env } from "../lib/env";
import { runUsersCommand } from "../lib/organizer/run-users-command";

async function main(): Promise<number> {
  const config = env();
  // A fresh clone has no database yet: migrating first makes the error "no account", not a SQL one.
  await migrateDatabase({ databaseUrl: config.databaseUrl });
  return runUsersCommand({
    db: getDb(),
    args: process.argv.slice(2),
    out: (text) => process.stdout.write(text + "\n"),
    err: (text) => process.stderr.write(text + "\n"),
    organizerEmails: config.ORGANIZER_EMAILS,
    // Recorded in the audit trail as "cli:<name>": the command line has no account.
    osUser: safeUserName(),
  });
}

function safeUserName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER;
  }
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? (process.env.DEBUG ? error.stack : error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
