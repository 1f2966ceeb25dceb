import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env";
import { getInstanceSecret } from "../setup/instance-secret";

/**
 * The token of an unsubscribe link: `<userId>_<mac>`, the mac being HMAC-SHA256 of the user id
 * under a key derived from the instance's auth secret (AUTH_SECRET, else DATA_DIR/secrets/auth-secret,
 * the one that signs sessions). It needs no database row and no login, cannot be forged for
 * another account, and keeps working for every past e-mail (unsubscribing is harmless to repeat).
 * 128 bits of mac are kept: enough against guessing, short enough for a link.
 */
const PURPOSE = "tiny-portraits announcement unsubscribe v1";
const MAC_HEX = 32;

function keyOf(secret: string): Buffer {
  return createHmac("sha256", secret).update(PURPOSE).digest();
}

/** The instance secret the tokens are derived from (tests pass their own). */
export function defaultUnsubscribeSecret(): string {
  const config = env();
  return getInstanceSecret({ dataDir: config.dataDir, name: "auth-secret", override: config.AUTH_SECRET });
}

function macOf(userId: string, secret: string): string {
  return createHmac("sha256", keyOf(secret)).update(userId).digest("hex").slice(0, MAC_HEX);
}

export function createUnsubscribeToken(options: { userId: string; secret?: string }): string {
  return `${options.userId}_${macOf(options.userId, options.secret ?? defaultUnsubscribeSecret())}`;
}

/** The user id a token was made for, or null when it was not made here (tampered, truncated, another instance's). */
export function verifyUnsubscribeToken(options: { token: unknown; secret?: string }): string | null {
  if (typeof options.token !== "string" || options.token.length > 200) return null;
  const at = options.token.lastIndexOf("_");
  if (at <= 0) return null;
  const userId = options.token.slice(0, at);
  const given = Buffer.from(options.token.slice(at + 1), "utf8");
  const expected = Buffer.from(macOf(userId, options.secret ?? defaultUnsubscribeSecret()), "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return userId;
}
