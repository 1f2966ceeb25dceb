import { createHash, randomBytes } from "node:crypto";

/** A new random secret for a cookie or a link (256 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps of a token: its SHA-256 (the token is random, so no salt or slow hash is needed). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
