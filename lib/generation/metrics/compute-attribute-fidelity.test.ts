import { describe, expect, it } from "vitest";
import { computeAttributeFidelity, pickAttributeGrid } from "./compute-attribute-fidelity";

/** Rows of (gender, hair colour, hair type) class indices, flattened. */
const rows = (xs: [number, number, number][]) => Uint8Array.from(xs.flat());

describe("computeAttributeFidelity", () => {
  it("is 1 for every attribute when each image shows what was requested", () => {
    const requested = rows([
      [0, 0, 0],
      [1, 4, 2],
      [0, 2, 1],
      [1, 3, 0],
    ]);
    expect(computeAttributeFidelity({ requested, predicted: requested, count: 4 })).toEqual({
      gender: 1,
      hairColor: 1,
      hairType: 1,
      mean: 1,
    });
  });

  it("matches hand-computed macro-F1s (classes in requests or predictions count; a class only predicted scores 0)", () => {
    // Gender: requested f f m m, predicted f m m m -> F1(f) = 2/(2+0+1) = 2/3, F1(m) = 4/(4+1+0) = 4/5, macro 11/15.
    // Hair_Color: requested 0 0 1 1, predicted 0 0 1 3 -> F1(0) = 1, F1(1) = 2/(2+0+1) = 2/3, F1(3) = 0/(0+1+0) = 0: macro 5/9.
    // Hair_Type: requested 2 2 2 2, predicted 2 2 1 1 -> F1(2) = 4/(4+0+2) = 2/3, F1(1) = 0: macro 1/3.
    const requested = rows([
      [0, 0, 2],
      [0, 0, 2],
      [1, 1, 2],
      [1, 1, 2],
    ]);
    const predicted = rows([
      [0, 0, 2],
      [1, 0, 2],
      [1, 1, 1],
      [1, 3, 1],
    ]);
    const f = computeAttributeFidelity({ requested, predicted, count: 4 });
    expect(f.gender).toBeCloseTo(11 / 15, 12);
    expect(f.hairColor).toBeCloseTo(5 / 9, 12);
    expect(f.hairType).toBeCloseTo(1 / 3, 12);
    expect(f.mean).toBeCloseTo((11 / 15 + 5 / 9 + 1 / 3) / 3, 12);
  });

  it("gives 1/k when the images ignore the request and come out in the requested proportions", () => {
    // Independent predictions with the same class shares q: F1_c = 2 q_c q_c / (q_c + q_c) = q_c, mean over k classes = 1/k.
    // Exact at this size: gender requested f,m,f,m x2 against predicted f,f,m,m x2 (each pair of classes equally often).
    const requested = rows([0, 1, 0, 1, 0, 1, 0, 1].map((g) => [g, 0, 0] as [number, number, number]));
    const predicted = rows([0, 0, 1, 1, 0, 0, 1, 1].map((g) => [g, 0, 0] as [number, number, number]));
    expect(computeAttributeFidelity({ requested, predicted, count: 8 }).gender).toBeCloseTo(1 / 2, 12);
  });

  it("refuses class indices out of range and mismatched lengths", () => {
    expect(() => computeAttributeFidelity({ requested: rows([[0, 5, 0]]), predicted: rows([[0, 0, 0]]), count: 1 })).toThrow(
      /out of range/,
    );
    expect(() => computeAttributeFidelity({ requested: rows([[0, 0, 0]]), predicted: new Uint8Array(2), count: 1 })).toThrow(
      /expected 1 x 3/,
    );
  });
});

describe("pickAttributeGrid", () => {
  it("lists, per attribute and class, the first requested sample indices in order, at most perValue", () => {
    const requested = rows([
      [0, 0, 0],
      [1, 0, 1],
      [0, 1, 0],
      [0, 0, 0],
      [1, 4, 0],
      [0, 0, 2],
    ]);
    const grid = pickAttributeGrid({ requested, count: 6, perValue: 2 });
    expect(grid.Gender).toEqual({ female: [0, 2], male: [1, 4] });
    expect(grid.Hair_Color).toEqual({ black: [0, 1], blond: [2], brown: [], gray: [], bald: [4] });
    expect(grid.Hair_Type).toEqual({ straight: [0, 2], wavy: [1], bald: [5] });
  });
});
