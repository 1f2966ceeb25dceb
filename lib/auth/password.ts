import { hash, verify } from "@node-rs/argon2";

/**
 * Password hashing with Argon2id (@node-rs/argon2: prebuilt, no compiler needed). The default
 * parameters of the library (19 MiB, 2 passes) follow OWASP's minimum for Argon2id; the hash
 * string carries its parameters, so they can be raised later without breaking old hashes.
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** False for a wrong password or a malformed stored hash: never throws on bad input. */
export async function verifyPassword(options: { hash: string; password: string }): Promise<boolean> {
  try {
    return await verify(options.hash, options.password);
  } catch {
    return false;
  }
}

/**
 * A valid hash of a random password, verified against when the e-mail is unknown so a failed
 * sign-in takes as long for a missing account as for a wrong password (no account enumeration
 * by timing).
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash(`not-a-password-${Math.random()}`);
  return dummyHash;
}
