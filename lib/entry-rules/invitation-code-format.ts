import { createHash, randomInt } from "node:crypto";

/** Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or copied by hand survives. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 16 symbols of 5 bits: 80 random bits, far beyond guessing even without the sign-up rate limits. */
const LENGTH = 16;

/** A new random code, shown as four groups: "7K3Q-M9XA-2PRD-W4TZ". */
export function newInvitationCode(): string {
  let raw = "";
  for (let i = 0; i < LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return raw.match(/.{4}/g)!.join("-");
}

/** What people type is compared without case, spaces or hyphens; O and I/L read as 0 and 1. */
export function normalizeInvitationCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]+/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
}

/** What the database keeps: the SHA-256 of the normalized code (80 random bits need no slow hash). */
export function hashInvitationCode(code: string): string {
  return createHash("sha256").update(normalizeInvitationCode(code)).digest("hex");
}

/** The first group, to tell codes apart in the console without revealing them. */
export function invitationCodePrefix(code: string): string {
  return normalizeInvitationCode(code).slice(0, 4);
}
