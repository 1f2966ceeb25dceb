import { expect, it } from "vitest";
import { tuneClassOffsets } from "./tune-class-offsets";

it("moves the decision towards an under-predicted rare class and never lowers macro-F1", () => {
  // Class 2 is rare and the model is timid about it: its true rows get p = 0.3 for it while
  // class 0 gets 0.5, so argmax never picks it. An offset of about log(0.5/0.3) fixes that.
  const rows: { p: number[]; t: number }[] = [];
  for (let i = 0; i < 80; i++) rows.push({ p: [0.8, 0.1, 0.1], t: 0 });
  for (let i = 0; i < 60; i++) rows.push({ p: [0.2, 0.7, 0.1], t: 1 });
  for (let i = 0; i < 10; i++) rows.push({ p: [0.5, 0.2, 0.3], t: 2 });
  rows.push({ p: [0.5, 0.2, 0.3], t: -1 }); // unknown truth: ignored
  const probabilities = Float32Array.from(rows.flatMap((r) => r.p));
  const result = tuneClassOffsets({ probabilities, truth: rows.map((r) => r.t), classes: ["a", "b", "c"] });
  expect(result.before).toBeLessThan(0.7);
  expect(result.after).toBeCloseTo(1, 5);
  expect(result.offsets[2] - result.offsets[0]).toBeGreaterThan(Math.log(0.5 / 0.3));
});

it("keeps zero offsets when nothing improves by more than the minimum gain", () => {
  const probabilities = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.7, 0.3]);
  const result = tuneClassOffsets({ probabilities, truth: [0, 1, 0], classes: ["x", "y"] });
  expect(result.before).toBe(1);
  expect(Array.from(result.offsets)).toEqual([0, 0]);
});
