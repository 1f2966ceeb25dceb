import { Command, CommanderError } from "commander";
import type { Db } from "../db/client";
import { isAppError } from "../errors/app-error";
import { cliActor } from "../audit/audit-actor";
import { listUsers } from "./list-users";
import { setUserRole } from "./set-user-role";

export interface RunUsersCommandOptions {
  db: Db;
  /** The arguments after the command name, e.g. ["promote", "ada@example.org"]. */
  args: readonly string[];
  /** Results (the list) go here. */
  out: (text: string) => void;
  /** Messages and errors go here. */
  err: (text: string) => void;
  /** ORGANIZER_EMAILS: a demoted address in it is promoted again at its next sign-in. */
  organizerEmails?: readonly string[];
  /** Who ran the command, for the audit trail (the OS user name); "cli" when unknown. */
  osUser?: string;
}

/**
 * The users CLI (`npm run users -- list | promote EMAIL | demote EMAIL`) as a function that
 * returns the exit code: cli/users.ts runs it on the real database, tests on their own.
 */
export async function runUsersCommand(options: RunUsersCommandOptions): Promise<number> {
  const { db, out, err } = options;
  let code = 0;
  const program = new Command()
    .name("npm run users --")
    .description("Tiny Portraits accounts: list them, give or take the organizer role")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) })
    .showHelpAfterError();

  program
    .command("list")
    .description("every account with its role and number of submissions")
    .action(async () => {
      const users = await listUsers({ db });
      if (users.length === 0) {
        err("no accounts yet");
        return;
      }
      const width = Math.max(5, ...users.map((u) => u.email.length));
      out(`${"email".padEnd(width)}  ${"role".padEnd(11)}  ${"subs".padStart(5)}  created     name`);
      for (const u of users) {
        out(
          `${u.email.padEnd(width)}  ${u.role.padEnd(11)}  ${String(u.submissions).padStart(5)}  ${u.createdAt.toISOString().slice(0, 10)}  ${u.name}`,
        );
      }
    });

  for (const [name, role] of [
    ["promote", "organizer"],
    ["demote", "participant"],
  ] as const) {
    program
      .command(`${name} <email>`)
      .description(role === "organizer" ? "give an account the organizer role" : "make an organizer a participant again")
      .action(async (email: string) => {
        const { user, changed } = await setUserRole({ db, input: { email, role }, actor: cliActor(options.osUser) });
        err(changed ? `${user.email} is now ${article(role)} ${role}` : `${user.email} is already ${article(role)} ${role}`);
        if (role === "participant" && options.organizerEmails?.includes(user.email)) {
          err(`warning: ${user.email} is listed in ORGANIZER_EMAILS and becomes an organizer again at the next sign-in`);
        }
      });
  }

  try {
    await program.parseAsync([...options.args], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      code = error.exitCode;
    } else if (isAppError(error)) {
      err(`error: ${error.userMessage}`);
      code = 1;
    } else {
      throw error;
    }
  }
  return code;
}

function article(role: string): string {
  return role === "organizer" ? "an" : "a";
}
