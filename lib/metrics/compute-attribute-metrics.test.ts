import { describe, expect, it } from "vitest";
import { attributeMetricsFromConfusion, computeAttributeMetrics } from "./compute-attribute-metrics";

const ABC = ["a", "b", "c"] as const;

function metrics(truth: string[], predictions: string[], classes: readonly string[] = ABC) {
  return computeAttributeMetrics({ truth, predictions, classes });
}

describe("computeAttributeMetrics", () => {
  it("scores a perfect prediction 1", () => {
    const m = metrics(["a", "b", "c", "a"], ["a", "b", "c", "a"]);
    expect(m.n).toBe(4);
    expect(m.accuracy).toBe(1);
    expect(m.macroF1).toBe(1);
    expect(m.perClass.map((c) => c.f1)).toEqual([1, 1, 1]);
    expect(m.confusion).toEqual([
      [2, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it("scores an all-wrong prediction 0", () => {
    const m = metrics(["a", "b"], ["b", "a"], ["a", "b"]);
    expect(m.accuracy).toBe(0);
    expect(m.macroF1).toBe(0);
    expect(m.perClass).toEqual([
      { label: "a", support: 1, predicted: 1, truePositives: 0, precision: 0, recall: 0, f1: 0 },
      { label: "b", support: 1, predicted: 1, truePositives: 0, precision: 0, recall: 0, f1: 0 },
    ]);
    expect(m.confusion).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });

  it("drops n/a truth rows and leaves out a class absent from truth and predictions", () => {
    // The `c` prediction sits on an n/a row, so after dropping it `c` occurs nowhere.
    // a: TP 1, FP 0, FN 1 -> P 1, R 1/2, F1 2/3.  b: TP 2, FP 1, FN 0 -> P 2/3, R 1, F1 4/5.
    const m = metrics(["a", "a", "b", "b", "n/a"], ["a", "b", "b", "b", "c"]);
    expect(m.n).toBe(4);
    expect(m.accuracy).toBe(3 / 4);
    expect(m.perClass[0]).toMatchObject({ support: 2, predicted: 1, precision: 1, recall: 0.5 });
    expect(m.perClass[0].f1).toBeCloseTo(2 / 3, 12);
    expect(m.perClass[1].precision).toBeCloseTo(2 / 3, 12);
    expect(m.perClass[1].recall).toBe(1);
    expect(m.perClass[1].f1).toBeCloseTo(4 / 5, 12);
    expect(m.perClass[2]).toEqual({
      label: "c",
      support: 0,
      predicted: 0,
      truePositives: 0,
      precision: null,
      recall: null,
      f1: null,
    });
    expect(m.macroF1).toBeCloseTo((2 / 3 + 4 / 5) / 2, 12);
    expect(m.confusion[2]).toEqual([0, 0, 0]);
  });

  it("counts a class that is never predicted with F1 0 and undefined precision", () => {
    // a: TP 1, FP 2, FN 0 -> F1 2/4.  b: TP 0, FP 0, FN 2 -> F1 0, precision 0/0.
    const m = metrics(["a", "b", "b"], ["a", "a", "a"], ["a", "b"]);
    expect(m.accuracy).toBeCloseTo(1 / 3, 12);
    expect(m.perClass[0].f1).toBe(0.5);
    expect(m.perClass[1]).toMatchObject({ support: 2, predicted: 0, precision: null, recall: 0, f1: 0 });
    expect(m.macroF1).toBe(0.25);
  });

  it("counts a class that is predicted but never true with F1 0 (as sklearn's default)", () => {
    // sklearn: f1_score(["a","a"], ["a","c"], average="macro") == (2/3 + 0) / 2
    const m = metrics(["a", "a"], ["a", "c"]);
    expect(m.perClass[2]).toMatchObject({ support: 0, predicted: 1, precision: 0, recall: null, f1: 0 });
    expect(m.perClass[1].f1).toBeNull();
    expect(m.macroF1).toBeCloseTo(1 / 3, 12);
  });

  it("returns null accuracy and macro-F1 when every truth is n/a", () => {
    const m = metrics(["n/a", "n/a"], ["a", "b"]);
    expect(m.n).toBe(0);
    expect(m.accuracy).toBeNull();
    expect(m.macroF1).toBeNull();
    expect(m.perClass.every((c) => c.f1 === null && c.precision === null && c.recall === null)).toBe(true);
    expect(m.confusion.flat().every((v) => v === 0)).toBe(true);
  });

  it("refuses values outside the class list", () => {
    expect(() => metrics(["a"], ["n/a"])).toThrow(/unknown class/);
    expect(() => metrics(["z"], ["a"])).toThrow(/unknown class/);
    expect(() => metrics(["a"], [])).toThrow(/rows/);
  });

  it("gives the same result from a confusion matrix", () => {
    const fromRows = metrics(["a", "a", "b", "c", "c"], ["a", "c", "b", "c", "b"]);
    const fromMatrix = attributeMetricsFromConfusion(ABC, Int32Array.from(fromRows.confusion.flat()));
    expect(fromMatrix).toEqual(fromRows);
  });
});
