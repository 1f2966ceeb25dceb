import { mulberry32 } from "../random/mulberry32";
/**
 * A seeded split of row positions 0..count-1 into training and held-out rows (the validation
 * part of the train split). Deterministic for a seed, so two baselines validate on the same rows.
 */
export function splitHoldout(options: { count: number; fraction?: number; seed?: number }): { train: Int32Array; holdout: Int32Array } {
  const { count } = options;
  const order = shuffledRange({ count, seed: options.seed ?? 1 });
  const held = Math.min(count - 1, Math.max(1, Math.round(count * (options.fraction ?? 0.1))));
  return { holdout: order.slice(0, held).sort(), train: order.slice(held).sort() };
}

/** 0..count-1 in a seeded random order (Fisher-Yates with mulberry32). */
export function shuffledRange(options: { count: number; seed: number }): Int32Array {
  const order = new Int32Array(options.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  shuffleInPlace(order, createRandom(options.seed));
  return order;
}

export function shuffleInPlace(values: Int32Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}

/** The seeded PRNG every baseline draws from (shuffles, initial weights, augmentation). */
export const createRandom = mulberry32;
