import { ATTRIBUTES, PUBLIC_FRACTION_OF_TEST, TEST_FRACTION, type LabelRow } from "../challenge/definition";
import { deriveImageId, keyedRank } from "./derive-image-id";

export type SplitName = "train" | "public" | "private";

export interface TestAssignment {
  Image_Index: number;
  Image_Id: string;
  split: "public" | "private";
}

export interface DatasetSplit {
  /** Train Image_Index values, ascending (the order of the train cache and CSV). */
  train: number[];
  /** Test rows ordered by Image_Id, so their order carries no information about the index. */
  test: TestAssignment[];
}

export type SplitInputRow = Pick<LabelRow, "Image_Index" | "Gender" | "Hair_Color" | "Hair_Type">;

/** The stratum of a row: its (Gender, Hair_Color, Hair_Type) combination, e.g. `female|blond|wavy`. */
export function stratumKey(row: SplitInputRow): string {
  return ATTRIBUTES.map((a) => row[a]).join("|");
}

/**
 * Splits rows into train / public test / private test (docs/challenge.md), deterministically
 * from the seed and the rows alone.
 *
 * - Stratified on (Gender, Hair_Color, Hair_Type): exactly round(testFraction * N) rows go to
 *   test, allocated to strata by largest remainder, so every stratum's test count is its exact
 *   share rounded down or up (never off by more than one); the test rows are halved into
 *   public/private the same way, stratum by stratum.
 * - Inside a stratum, rows are ordered by a keyed HMAC rank (a seeded shuffle where each row's
 *   place depends only on its own index) and the first ones are taken. Ties in the remainder
 *   allocation are broken by a keyed rank of the stratum, not by name, so no stratum is
 *   systematically favoured.
 * - Pure: no I/O; the same rows (in any order) and seed always give the same split.
 */
export function splitDataset(options: {
  rows: readonly SplitInputRow[];
  seed: string;
  testFraction?: number;
  publicFractionOfTest?: number;
}): DatasetSplit {
  const { rows, seed, testFraction = TEST_FRACTION, publicFractionOfTest = PUBLIC_FRACTION_OF_TEST } = options;
  if (!seed) throw new Error("splitDataset needs a non-empty seed");

  const strata = groupByStratum(rows, (row) => keyedRank(seed, "split", row.Image_Index));
  const testCounts = allocateLargestRemainder(
    strata.map((s) => s.rows.length),
    testFraction,
    strata.map((s) => keyedRank(seed, "stratum-test", s.key)),
  );

  const train: number[] = [];
  const testStrata: { key: string; rows: SplitInputRow[] }[] = [];
  strata.forEach((stratum, i) => {
    const k = testCounts[i];
    testStrata.push({ key: stratum.key, rows: stratum.rows.slice(0, k) });
    for (const row of stratum.rows.slice(k)) train.push(row.Image_Index);
  });

  // Public/private: an independent keyed order inside each stratum's test rows.
  for (const s of testStrata) sortByRank(s.rows, (row) => keyedRank(seed, "public", row.Image_Index));
  const publicCounts = allocateLargestRemainder(
    testStrata.map((s) => s.rows.length),
    publicFractionOfTest,
    testStrata.map((s) => keyedRank(seed, "stratum-public", s.key)),
  );

  const test: TestAssignment[] = [];
  testStrata.forEach((s, i) => {
    s.rows.forEach((row, j) => {
      test.push({
        Image_Index: row.Image_Index,
        Image_Id: deriveImageId(seed, row.Image_Index),
        split: j < publicCounts[i] ? "public" : "private",
      });
    });
  });

  train.sort((a, b) => a - b);
  test.sort((a, b) => (a.Image_Id < b.Image_Id ? -1 : a.Image_Id > b.Image_Id ? 1 : 0));
  for (let i = 1; i < test.length; i++) {
    // 60-bit ids: a collision is ~1e-10 likely, but it would silently merge two test rows.
    if (test[i].Image_Id === test[i - 1].Image_Id) {
      throw new Error(`Image_Id collision (${test[i].Image_Id}); prepare again with another split seed`);
    }
  }
  return { train, test };
}

function groupByStratum(rows: readonly SplitInputRow[], rank: (row: SplitInputRow) => string) {
  const byKey = new Map<string, SplitInputRow[]>();
  for (const row of rows) {
    const key = stratumKey(row);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(row);
  }
  // Strata in name order and rows in keyed order: nothing depends on the input order.
  return [...byKey.keys()].sort().map((key) => {
    const list = byKey.get(key)!;
    sortByRank(list, rank);
    return { key, rows: list };
  });
}

function sortByRank(rows: SplitInputRow[], rank: (row: SplitInputRow) => string): void {
  const keyed = rows.map((row) => ({ row, r: rank(row) }));
  keyed.sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : a.row.Image_Index - b.row.Image_Index));
  keyed.forEach((k, i) => (rows[i] = k.row));
}

/**
 * Hamilton's largest remainder method: gives round(fraction * total) units to groups in
 * proportion to their sizes. Each group gets floor(share) or floor(share) + 1.
 * `tieKeys` order groups with equal remainders.
 */
export function allocateLargestRemainder(sizes: readonly number[], fraction: number, tieKeys: readonly string[]): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const target = Math.round(total * fraction);
  // The epsilon absorbs float error such as 0.2 * 15 = 3.0000000000000004 or 2.9999999999999996.
  const shares = sizes.map((n) => n * fraction);
  const counts = shares.map((s) => Math.floor(s + 1e-9));
  let missing = target - counts.reduce((a, b) => a + b, 0);
  const order = sizes
    .map((_, i) => i)
    .filter((i) => counts[i] < sizes[i])
    .sort((a, b) => {
      const ra = shares[a] - counts[a];
      const rb = shares[b] - counts[b];
      if (Math.abs(ra - rb) > 1e-9) return rb - ra;
      return tieKeys[a] < tieKeys[b] ? -1 : tieKeys[a] > tieKeys[b] ? 1 : 0;
    });
  for (const i of order) {
    if (missing <= 0) break;
    counts[i]++;
    missing--;
  }
  return counts;
}
