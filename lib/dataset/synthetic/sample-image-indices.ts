/**
 * Picks the Image_Index values: unique, sorted, with gaps like the real data, where 134,734
 * images use numbers out of 0..202,598 (CelebA file numbers minus one, some files dropped).
 *
 * Selection sampling (Knuth's Algorithm S) keeps exactly `count` numbers out of a range scaled
 * to the real density, each subset equally likely. At the real size the range is exactly
 * 0..202,598; counts above ~665,000 would need 7-digit numbers (longer file names).
 */
import { REAL_DATASET } from "../../challenge/definition";
import { Rng } from "./prng";

const INDEX_STREAM = 0x1d1ce5;

export function sampleImageIndices(options: { count: number; seed: number }): Int32Array {
  const { count, seed } = options;
  const range = Math.max(count, Math.round((count * (REAL_DATASET.maxIndex + 1)) / REAL_DATASET.total));
  const rng = new Rng(seed, INDEX_STREAM);
  const out = new Int32Array(count);
  let chosen = 0;
  for (let n = 0; n < range && chosen < count; n++) {
    // Keep n with probability (still needed) / (still available): exactly `count` get kept.
    if ((range - n) * rng.next() < count - chosen) out[chosen++] = n;
  }
  return out;
}
