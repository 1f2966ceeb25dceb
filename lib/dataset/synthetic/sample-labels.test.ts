import { describe, expect, it } from "vitest";
import { NA, REAL_DATASET } from "../../challenge/definition";
import { buildJointCounts, cellIndex, COLOR_VALUES, GENDER_VALUES, REAL_CROSS_COUNTS, TYPE_VALUES } from "./label-table";
import { sampleLabels } from "./sample-labels";
import { sampleImageIndices } from "./sample-image-indices";

const G = (v: string) => GENDER_VALUES.indexOf(v as never);
const C = (v: string) => COLOR_VALUES.indexOf(v as never);
const T = (v: string) => TYPE_VALUES.indexOf(v as never);

describe("joint label table", () => {
  const table = buildJointCounts();
  const sum = (f: (g: number, c: number, t: number) => boolean) => {
    let s = 0;
    for (let g = 0; g < 2; g++) for (let c = 0; c < 6; c++) for (let t = 0; t < 4; t++) if (f(g, c, t)) s += table[cellIndex(g, c, t)];
    return s;
  };

  it("reproduces every published count of the real dataset", () => {
    expect(sum(() => true)).toBeCloseTo(REAL_DATASET.total, 3);
    for (const [v, n] of Object.entries(REAL_DATASET.counts.Gender)) expect(sum((g) => g === G(v))).toBeCloseTo(n, 3);
    for (const [v, n] of Object.entries(REAL_DATASET.counts.Hair_Color)) expect(sum((_, c) => c === C(v))).toBeCloseTo(n, 3);
    for (const [v, n] of Object.entries(REAL_DATASET.counts.Hair_Type)) expect(sum((_, __, t) => t === T(v))).toBeCloseTo(n, 3);
    const x = REAL_CROSS_COUNTS;
    expect(sum((g, c) => c === C("blond") && g === G("female"))).toBeCloseTo(x.blond.female, 3);
    expect(sum((g, c) => c === C("bald") && g === G("male"))).toBeCloseTo(x.baldColor.male, 3);
    expect(sum((g, c) => c === C("gray") && g === G("male"))).toBeCloseTo(x.gray.male, 3);
    expect(sum((g, _, t) => t === T("wavy") && g === G("female"))).toBeCloseTo(x.wavy.female, 3);
    expect(sum((_, c, t) => c === C("bald") && t === T("bald"))).toBeCloseTo(x.baldBald, 3);
    expect(sum((_, c, t) => c === C("gray") && t === T("bald"))).toBeCloseTo(x.grayBald, 3);
    expect(sum((_, c, t) => c === C(NA) && t === T(NA))).toBeCloseTo(x.naNa, 3);
  });

  it("gives impossible combinations no probability", () => {
    expect(sum((_, c, t) => c === C("bald") && (t === T("wavy") || t === T("straight")))).toBe(0);
    for (const v of table) expect(v).toBeGreaterThanOrEqual(0);
  });
});

describe("sampleLabels", () => {
  const n = 100_000;
  const labels = sampleLabels({ count: n, seed: 11 });
  const frac = (f: (i: number) => boolean, given: (i: number) => boolean = () => true) => {
    let a = 0,
      b = 0;
    for (let i = 0; i < n; i++)
      if (given(i)) {
        b++;
        if (f(i)) a++;
      }
    return a / b;
  };
  const g = (i: number) => GENDER_VALUES[labels.gender[i]];
  const c = (i: number) => COLOR_VALUES[labels.color[i]];
  const t = (i: number) => TYPE_VALUES[labels.type[i]];
  /** Within 4 standard errors (and never tighter than half a percent point) of the real value. */
  const near = (got: number, want: number, m: number) =>
    expect(Math.abs(got - want)).toBeLessThan(Math.max(0.005, 4 * Math.sqrt((want * (1 - want)) / m)));

  it("matches the real marginals", () => {
    for (const [v, k] of Object.entries(REAL_DATASET.counts.Gender))
      near(
        frac((i) => g(i) === v),
        k / REAL_DATASET.total,
        n,
      );
    for (const [v, k] of Object.entries(REAL_DATASET.counts.Hair_Color))
      near(
        frac((i) => c(i) === v),
        k / REAL_DATASET.total,
        n,
      );
    for (const [v, k] of Object.entries(REAL_DATASET.counts.Hair_Type))
      near(
        frac((i) => t(i) === v),
        k / REAL_DATASET.total,
        n,
      );
  });

  it("matches the real cross-correlations", () => {
    const x = REAL_CROSS_COUNTS;
    const total = REAL_DATASET.total;
    const share = (a: number, b: number) => a / (a + b);
    // Conditional shares (the correlations) within two percentage points.
    expect(
      Math.abs(
        frac(
          (i) => g(i) === "female",
          (i) => c(i) === "blond",
        ) - share(x.blond.female, x.blond.male),
      ),
    ).toBeLessThan(0.02);
    expect(
      Math.abs(
        frac(
          (i) => g(i) === "male",
          (i) => c(i) === "bald",
        ) - share(x.baldColor.male, x.baldColor.female),
      ),
    ).toBeLessThan(0.02);
    expect(
      Math.abs(
        frac(
          (i) => g(i) === "male",
          (i) => c(i) === "gray",
        ) - share(x.gray.male, x.gray.female),
      ),
    ).toBeLessThan(0.02);
    expect(
      Math.abs(
        frac(
          (i) => g(i) === "female",
          (i) => t(i) === "wavy",
        ) - share(x.wavy.female, x.wavy.male),
      ),
    ).toBeLessThan(0.02);
    near(
      frac((i) => c(i) === "bald" && t(i) === "bald"),
      x.baldBald / total,
      n,
    );
    near(
      frac((i) => c(i) === "gray" && t(i) === "bald"),
      x.grayBald / total,
      n,
    );
    near(
      frac((i) => c(i) === NA && t(i) === NA),
      x.naNa / total,
      n,
    );
  });

  it("never writes an all-n/a row or a value outside the vocabularies", () => {
    let bad = 0;
    for (let i = 0; i < n; i++)
      if (labels.gender[i] >= GENDER_VALUES.length || labels.color[i] >= COLOR_VALUES.length || labels.type[i] >= TYPE_VALUES.length) bad++;
    expect(bad).toBe(0);
    expect(frac((i) => c(i) === "bald" && (t(i) === "wavy" || t(i) === "straight"))).toBe(0);
  });

  it("is deterministic per seed and differs between seeds", () => {
    const a = sampleLabels({ count: 1000, seed: 5 });
    const b = sampleLabels({ count: 1000, seed: 5 });
    const d = sampleLabels({ count: 1000, seed: 6 });
    expect(Buffer.from(a.color).equals(Buffer.from(b.color))).toBe(true);
    expect(Buffer.from(a.color).equals(Buffer.from(d.color))).toBe(false);
  });
});

describe("sampleImageIndices", () => {
  it("is unique, sorted, with gaps at the real density", () => {
    const idx = sampleImageIndices({ count: 134_734, seed: 3 });
    expect(idx.length).toBe(134_734);
    let gaps = 0,
      unsorted = 0;
    for (let i = 1; i < idx.length; i++) {
      if (idx[i] <= idx[i - 1]) unsorted++;
      if (idx[i] > idx[i - 1] + 1) gaps++;
    }
    expect(unsorted).toBe(0);
    expect(idx[0]).toBeGreaterThanOrEqual(0);
    expect(idx[idx.length - 1]).toBeLessThanOrEqual(REAL_DATASET.maxIndex);
    expect(idx[idx.length - 1]).toBeGreaterThan(REAL_DATASET.maxIndex - 50);
    expect(gaps).toBeGreaterThan(20_000);
  });

  it("keeps the same density for small counts and is deterministic", () => {
    const a = sampleImageIndices({ count: 2000, seed: 9 });
    const b = sampleImageIndices({ count: 2000, seed: 9 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(a[a.length - 1]).toBeGreaterThan(2800);
    expect(a[a.length - 1]).toBeLessThan(3008);
  });
});
