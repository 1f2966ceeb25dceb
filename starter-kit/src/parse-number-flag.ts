import { KitError } from "./kit-error";

/** The value of `--<flag>` as a whole number >= `min`, or a KitError naming the flag. */
export function parseWholeFlag(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new KitError(`--${flag} expects a whole number >= ${min}, got "${text}"`);
  return n;
}

/** The value of `--<flag>` as a number above 0 and at most `max`, or a KitError naming the flag. */
export function parsePositiveFlag(flag: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new KitError(`--${flag} expects a number above 0 and at most ${max}, got "${text}"`);
  return n;
}
