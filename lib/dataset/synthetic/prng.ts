/**
 * Seeded pseudo-random numbers for the synthetic dataset.
 *
 * Everything the generator draws comes from here so that a seed fully determines the output.
 * Each image gets its own stream, derived from (seed, ordinal) by hashing, instead of sharing
 * one sequential stream: that is what makes the pixels independent of how images are split
 * between worker threads.
 */

/** splitmix32-style finaliser: spreads any 32-bit input over the whole 32-bit range. */
export function hash32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * sfc32 (Small Fast Counting generator): passes PractRand to many GB, a handful of integer
 * operations per number, and 128 bits of state, enough that neighbouring streams never overlap
 * in practice.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Streams are keyed by any number of 32-bit integers (e.g. seed, purpose, ordinal). */
  constructor(...keys: number[]) {
    let h = 0x1234567;
    for (const k of keys) h = hash32(h ^ hash32(k >>> 0));
    this.a = hash32(h ^ 1);
    this.b = hash32(h ^ 2);
    this.c = hash32(h ^ 3);
    this.d = 1;
    // Discard the first outputs: sfc32 starts weakly mixed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller; one value per call keeps the stream position simple). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Picks an item with probability proportional to its weight. */
  pick<T>(items: readonly T[], weights?: readonly number[]): T {
    if (!weights) return items[this.int(items.length)];
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }
}
