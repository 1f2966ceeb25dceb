import { KitError } from "./kit-error";

/**
 * Runs a kit command's main: a KitError (bad arguments, missing downloads, ...) is printed as one
 * `error:` line with exit code 1; anything else is a bug and is thrown with its stack.
 */
export function runKitCommand(main: () => Promise<void>): void {
  main().catch((e) => {
    if (e instanceof KitError) {
      console.error(`\nerror: ${e.message}`);
      process.exitCode = 1;
      return;
    }
    throw e;
  });
}
