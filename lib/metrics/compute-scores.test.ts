import { describe, expect, it } from "vitest";
import { computeScores } from "./compute-scores";
import type { HiddenLabelRow, Prediction } from "./types";

type Row = [string, HiddenLabelRow["Split"], HiddenLabelRow["Gender"], HiddenLabelRow["Hair_Color"], HiddenLabelRow["Hair_Type"]];
type Pred = [string, Prediction["Gender"], Prediction["Hair_Color"], Prediction["Hair_Type"]];

function labels(rows: Row[]): HiddenLabelRow[] {
  return rows.map(([Image_Id, Split, Gender, Hair_Color, Hair_Type]) => ({ Image_Id, Split, Gender, Hair_Color, Hair_Type }));
}
function predictions(rows: Pred[]): Map<string, Prediction> {
  return new Map(rows.map(([id, Gender, Hair_Color, Hair_Type]) => [id, { Gender, Hair_Color, Hair_Type }]));
}

describe("computeScores", () => {
  const truth = labels([
    ["tp-1", "public", "female", "black", "straight"],
    ["tp-2", "public", "female", "blond", "wavy"],
    ["tp-3", "public", "male", "black", "n/a"],
    ["tp-4", "public", "male", "n/a", "n/a"],
    ["tp-5", "private", "female", "gray", "bald"],
    ["tp-6", "private", "male", "bald", "bald"],
  ]);
  const preds = predictions([
    ["tp-1", "female", "black", "straight"],
    ["tp-2", "female", "blond", "wavy"],
    ["tp-3", "male", "brown", "straight"], // hair type not scored (n/a truth)
    ["tp-4", "female", "black", "wavy"], // only gender scored
    ["tp-5", "female", "gray", "bald"],
    ["tp-6", "male", "bald", "bald"],
  ]);

  it("scores the public part by hand", () => {
    const s = computeScores({ labels: truth, predictions: preds }).public;
    expect(s.n).toBe(4);
    // Gender: female TP2 FP1 FN0 -> 4/5; male TP1 FP0 FN1 -> 2/3.
    const gender = s.attributes.Gender;
    expect(gender.n).toBe(4);
    expect(gender.accuracy).toBe(0.75);
    expect(gender.macroF1).toBeCloseTo((4 / 5 + 2 / 3) / 2, 12);
    expect(gender.confusion).toEqual([
      [2, 0],
      [1, 1],
    ]);
    // Hair colour on tp-1..3: black 2/3, blond 1, brown (predicted, never true) 0; gray and bald
    // occur nowhere and are left out.
    const color = s.attributes.Hair_Color;
    expect(color.n).toBe(3);
    expect(color.accuracy).toBeCloseTo(2 / 3, 12);
    expect(color.perClass.map((c) => c.f1)).toEqual([2 / 3, 1, 0, null, null]);
    expect(color.macroF1).toBeCloseTo(5 / 9, 12);
    expect(s.attributes.Hair_Type.n).toBe(2);
    expect(s.attributes.Hair_Type.macroF1).toBe(1);
    expect(s.main).toBeCloseTo(((4 / 5 + 2 / 3) / 2 + 5 / 9 + 1) / 3, 12);
    // Fairness: women (tp-1, tp-2) perfect; the one man with a known colour is wrong.
    expect(s.fairness).toEqual({ hairColorMacroF1Female: 1, hairColorMacroF1Male: 0, gap: 1, absGap: 1 });
  });

  it("scores the private part independently", () => {
    const s = computeScores({ labels: truth, predictions: preds }).private;
    expect(s.n).toBe(2);
    expect(s.main).toBe(1);
    expect(s.attributes.Hair_Color.perClass.map((c) => c.support)).toEqual([0, 0, 0, 1, 1]);
    expect(s.fairness).toEqual({ hairColorMacroF1Female: 1, hairColorMacroF1Male: 1, gap: 0, absGap: 0 });
  });

  it("groups fairness by true gender, not predicted gender", () => {
    const t = labels([
      ["a", "public", "female", "blond", "wavy"],
      ["b", "public", "male", "black", "straight"],
    ]);
    // The woman is predicted male with the right colour; the man female with the wrong one.
    const p = predictions([
      ["a", "male", "blond", "wavy"],
      ["b", "female", "blond", "straight"],
    ]);
    const f = computeScores({ labels: t, predictions: p }).public.fairness;
    expect(f.hairColorMacroF1Female).toBe(1);
    expect(f.hairColorMacroF1Male).toBe(0); // black F1 0, blond (predicted, never true here) F1 0
    expect(f.gap).toBe(1);
  });

  it("reports a negative gap when men are served better", () => {
    const t = labels([
      ["a", "public", "female", "blond", "wavy"],
      ["b", "public", "female", "black", "wavy"],
      ["c", "public", "male", "black", "straight"],
    ]);
    const p = predictions([
      ["a", "female", "black", "wavy"],
      ["b", "female", "black", "wavy"],
      ["c", "male", "black", "straight"],
    ]);
    const f = computeScores({ labels: t, predictions: p }).public.fairness;
    // Women: black TP1 FP1 -> 2/3, blond FN1 -> 0; macro 1/3.  Men: 1.
    expect(f.hairColorMacroF1Female).toBeCloseTo(1 / 3, 12);
    expect(f.hairColorMacroF1Male).toBe(1);
    expect(f.gap).toBeCloseTo(-2 / 3, 12);
    expect(f.absGap).toBeCloseTo(2 / 3, 12);
  });

  it("averages the main score over the attributes that have scored rows", () => {
    const t = labels([
      ["a", "private", "female", "n/a", "n/a"],
      ["b", "private", "male", "n/a", "n/a"],
    ]);
    const p = predictions([
      ["a", "female", "black", "wavy"],
      ["b", "female", "black", "wavy"],
    ]);
    const s = computeScores({ labels: t, predictions: p });
    expect(s.private.attributes.Hair_Color.macroF1).toBeNull();
    expect(s.private.attributes.Hair_Type.macroF1).toBeNull();
    // Gender only: female TP1 FP1 -> 2/3, male FN1 -> 0.
    expect(s.private.main).toBeCloseTo(1 / 3, 12);
    expect(s.private.fairness).toEqual({ hairColorMacroF1Female: null, hairColorMacroF1Male: null, gap: null, absGap: null });
    // An empty split has nothing to average.
    expect(s.public.n).toBe(0);
    expect(s.public.main).toBeNull();
  });

  it("treats a missing or invalid prediction as a caller bug", () => {
    expect(() => computeScores({ labels: truth, predictions: new Map() })).toThrow(/no prediction for Image_Id tp-1/);
    const bad = new Map(preds);
    bad.set("tp-1", { Gender: "female", Hair_Color: "n/a" as never, Hair_Type: "wavy" });
    expect(() => computeScores({ labels: truth, predictions: bad })).toThrow(/invalid label/);
  });

  it("returns JSON-serialisable results", () => {
    const s = computeScores({ labels: truth, predictions: preds });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
