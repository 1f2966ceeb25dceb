import { describe, expect, it } from "vitest";
import { REAL_DATASET, type LabelRow } from "../challenge/definition";
import { IMAGE_ID_PATTERN, deriveImageId } from "./derive-image-id";
import { allocateLargestRemainder, splitDataset, stratumKey } from "./split-dataset";
import { fixtureLabels, mulberry32 } from "../../test-support/dataset/make-fixture-dataset";

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

function expectStratified(rows: LabelRow[], split: ReturnType<typeof splitDataset>) {
  const byIndex = new Map(rows.map((r) => [r.Image_Index, r]));
  const total = countBy(rows, stratumKey);
  const test = countBy(split.test, (t) => stratumKey(byIndex.get(t.Image_Index)!));
  const pub = countBy(
    split.test.filter((t) => t.split === "public"),
    (t) => stratumKey(byIndex.get(t.Image_Index)!),
  );
  for (const [key, n] of total) {
    const t = test.get(key) ?? 0;
    // Largest remainder: every stratum gets its exact share rounded down or up.
    expect(Math.abs(t - 0.2 * n), key).toBeLessThan(1);
    expect(Math.abs((pub.get(key) ?? 0) - 0.5 * t), key).toBeLessThan(1);
  }
}

describe("splitDataset", () => {
  it("splits the real dataset size exactly: 26,947 test, halved into public/private, stratified", () => {
    const rows = fixtureLabels(REAL_DATASET.total, 7);
    const split = splitDataset({ rows, seed: "real-size-seed" });
    expect(split.test).toHaveLength(26_947);
    expect(split.train).toHaveLength(REAL_DATASET.total - 26_947);
    const pub = split.test.filter((t) => t.split === "public").length;
    expect(pub).toBe(Math.round(26_947 / 2));
    expect(split.test.length - pub).toBe(26_947 - pub);
    expectStratified(rows, split);

    // Every row exactly once.
    const all = new Set([...split.train, ...split.test.map((t) => t.Image_Index)]);
    expect(all.size).toBe(REAL_DATASET.total);
    // Train ascending by index, test ordered by id, ids unique and opaque-looking.
    expect(split.train).toEqual([...split.train].sort((a, b) => a - b));
    const ids = split.test.map((t) => t.Image_Id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) expect(id).toMatch(IMAGE_ID_PATTERN);
  });

  it("is deterministic for a seed, independent of the input order, and changes with the seed", () => {
    const rows = fixtureLabels(2_000, 3);
    const a = splitDataset({ rows, seed: "seed-A" });
    const shuffled = [...rows];
    const rand = mulberry32(99);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    expect(splitDataset({ rows: shuffled, seed: "seed-A" })).toEqual(a);
    const b = splitDataset({ rows, seed: "seed-B" });
    expect(b.test.map((t) => t.Image_Index)).not.toEqual(a.test.map((t) => t.Image_Index));
    expect(b.test).toHaveLength(a.test.length);
  });

  it("removing one row moves few others (keyed ranks, not a global shuffle)", () => {
    const rows = fixtureLabels(2_000, 4);
    const a = splitDataset({ rows, seed: "stable" });
    const removed = a.train[10];
    const b = splitDataset({ rows: rows.filter((r) => r.Image_Index !== removed), seed: "stable" });
    const testA = new Set(a.test.map((t) => t.Image_Index));
    const moved = b.test.filter((t) => !testA.has(t.Image_Index)).length;
    expect(moved).toBeLessThanOrEqual(2);
  });

  it("ids are HMACs of the seed: not derivable from the index without it", () => {
    expect(deriveImageId("s1", 42)).toMatch(IMAGE_ID_PATTERN);
    expect(deriveImageId("s1", 42)).toBe(deriveImageId("s1", 42));
    expect(deriveImageId("s1", 42)).not.toBe(deriveImageId("s2", 42));
    expect(deriveImageId("s1", 42)).not.toBe(deriveImageId("s1", 43));
  });

  it("handles tiny inputs", () => {
    const rows = fixtureLabels(3, 1);
    const one = splitDataset({ rows: rows.slice(0, 1), seed: "x" });
    expect(one.test).toHaveLength(0); // round(0.2) = 0
    expect(one.train).toHaveLength(1);
    const five = splitDataset({ rows: fixtureLabels(5, 2), seed: "x" });
    expect(five.test).toHaveLength(1);
    expect(five.test[0].split).toBe("public"); // round(0.5) = 1
  });

  it("allocates by largest remainder", () => {
    // shares 1.6, 1.2, 0.2 -> floors 1, 1, 0 (2); target round(3.0) = 3 -> +1 to the 0.6 remainder
    expect(allocateLargestRemainder([8, 6, 1], 0.2, ["a", "b", "c"])).toEqual([2, 1, 0]);
    // equal remainders: the tie key decides
    expect(allocateLargestRemainder([1, 1, 1, 1, 1], 0.2, ["e", "d", "c", "b", "a"])).toEqual([0, 0, 0, 0, 1]);
    expect(allocateLargestRemainder([15, 10], 0.2, ["a", "b"])).toEqual([3, 2]);
  });
});
