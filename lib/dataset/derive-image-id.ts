import crypto from "node:crypto";

/**
 * Opaque test ids and keyed ranks, both HMAC-SHA256 keyed with the server-side split seed.
 *
 * `Image_Index` is the CelebA file number and CelebA's attributes are public, so a test image
 * served under anything derivable from its index would hand out its labels (docs/dataset.md).
 * An HMAC with a secret key is a pseudo-random function: without the seed, an id
 * says nothing about the index, and sorting by id is a uniformly random order.
 * Each use has its own message prefix so the ids, the split and the public/private choice are
 * independent draws.
 */

export const IMAGE_ID_PREFIX = "tp-";
/** 12 base32 characters = 60 bits: collisions among 27k ids have probability ~1e-10 (and are checked). */
const ID_CHARS = 12;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
export const IMAGE_ID_PATTERN = /^tp-[a-z2-7]{12}$/;

function hmac(seed: string, message: string): Buffer {
  return crypto.createHmac("sha256", seed).update(message).digest();
}

/** `tp-` + 12 lower-case base32 characters from HMAC-SHA256(seed, "image-id:" + Image_Index). */
export function deriveImageId(seed: string, imageIndex: number): string {
  const digest = hmac(seed, `image-id:${imageIndex}`);
  // Read 60 bits as 12 groups of 5.
  let out = IMAGE_ID_PREFIX;
  let bits = 0;
  let value = 0;
  for (let i = 0; out.length < IMAGE_ID_PREFIX.length + ID_CHARS;) {
    if (bits < 5) {
      value = (value << 8) | digest[i++];
      bits += 8;
    }
    out += BASE32[(value >>> (bits - 5)) & 31];
    bits -= 5;
    value &= (1 << bits) - 1;
  }
  return out;
}

/**
 * A row's position in a keyed random order, as a sortable hex string. Sorting a group by
 * this key is a seeded shuffle in which every row's place depends only on its own index, so
 * adding or removing one row (a skipped bad image) moves at most one other row across a
 * split boundary instead of reshuffling everything.
 */
export function keyedRank(seed: string, purpose: string, key: string | number): string {
  return hmac(seed, `${purpose}:${key}`).toString("hex", 0, 16);
}
