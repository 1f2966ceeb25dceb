import type { LightEntry } from "./types";

/*
 * Which of a competitor's entries stands for them on each board. Pure functions, shared by the
 * snapshot loader (to fetch the metrics of exactly these entries) and the board builder.
 *
 * Ties: the higher score wins, then the earlier submission (whoever got there first keeps the
 * place, as on every platform participants know), then the id so the order is total.
 */

type Score = (e: LightEntry) => number | undefined;

function better(a: LightEntry, b: LightEntry, score: Score): boolean {
  const sa = score(a);
  const sb = score(b);
  if (sa !== sb) {
    if (sb === undefined) return true;
    if (sa === undefined) return false;
    return sa > sb;
  }
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.id < b.id;
}

function bestBy(entries: readonly LightEntry[], score: Score): LightEntry | undefined {
  let best: LightEntry | undefined;
  for (const e of entries) if (best === undefined || better(e, best, score)) best = e;
  return best;
}

const publicScore: Score = (e) => e.publicMain;
const privateScore: Score = (e) => e.privateMain;

/** The entry with the best public main score (ties: earliest). */
export function selectBestPublicEntry(options: { entries: readonly LightEntry[]; before?: number }): LightEntry | undefined {
  const { entries, before } = options;
  return bestBy(before === undefined ? entries : entries.filter((e) => e.createdAt < before), publicScore);
}

/**
 * The entries that compete on the private board: the participant's final selections, or, if
 * they selected none, their best `maxFinal` by public score (DESIGN.md section 3). If more than
 * maxFinal are flagged (the limit was lowered), the best maxFinal of them by public score are
 * kept: the participant cannot see private scores, so that is the choice they would have made.
 */
export function selectFinalEntries(options: { entries: readonly LightEntry[]; maxFinal: number }): LightEntry[] {
  const finals = options.entries.filter((e) => e.isFinal);
  const pool = finals.length > 0 ? finals : options.entries;
  return [...pool].sort((a, b) => (better(a, b, publicScore) ? -1 : 1)).slice(0, options.maxFinal);
}

/** The final entry with the best private main score (ties: earliest). Needs private scores. */
export function selectBestPrivateEntry(options: { entries: readonly LightEntry[]; maxFinal: number }): LightEntry | undefined {
  return bestBy(selectFinalEntries(options), privateScore);
}
