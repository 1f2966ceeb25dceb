/**
 * A problem the participant can fix (a missing file, a wrong folder, a bad flag). train.ts prints
 * its message alone, without a stack trace, and exits with status 1; anything else is a bug and
 * keeps its stack.
 */
export class KitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KitError";
  }
}
