import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../random/mulberry32";
import { sampleGaussian } from "../sample-gaussian";
import { featureMatrix, selectRows } from "./feature-matrix";
import { computeGenerationMetrics } from "./compute-generation-metrics";

describe("computeGenerationMetrics", () => {
  it("ranks near-distribution samples best, train copies (flagged) next, Gaussian noise worst", () => {
    const d = 16;
    // "Real" features with structure: a non-zero mean and correlated directions.
    const mean = Array.from({ length: d }, (_, i) => Math.cos(i));
    const transform = Array.from({ length: d * d }, (_, i) => (Math.floor(i / d) === i % d ? 1 : 0) + 0.25 * Math.sin(i));
    const draw = (seed: number, rows: number) => featureMatrix({ data: sampleGaussian({ mean, transform, rows, seed }), cols: d });
    const train = draw(1, 2_000);
    const real = draw(2, 1_200);
    const heldOut = draw(3, 800);
    const rand = mulberry32(9);
    const samples = {
      near: draw(4, 1_200),
      copies: selectRows(
        train,
        Array.from({ length: 1_200 }, () => Math.floor(rand() * train.rows)),
      ),
      noise: featureMatrix({
        data: sampleGaussian({
          mean: new Array(d).fill(0),
          transform: Array.from({ length: d * d }, (_, i) => (Math.floor(i / d) === i % d ? 2 : 0)),
          rows: 1_200,
          seed: 5,
        }),
        cols: d,
      }),
    };
    const score = Object.fromEntries(
      Object.entries(samples).map(([k, generated]) => [k, computeGenerationMetrics({ generated, real, train, heldOut }).score]),
    );
    expect(score.near.memorised).toBe(false);
    expect(score.copies.memorised).toBe(true);
    expect(score.noise.memorised).toBe(false);
    expect(score.copies.nearCopyShare).toBe(1);
    expect(score.copies.ct).toBeLessThan(-10);
    expect(score.near.main).toBeLessThan(score.copies.main);
    expect(score.copies.main).toBeLessThan(score.noise.main);
    // Copying is invisible to the fidelity metrics alone: that is why the penalty exists.
    expect(score.copies.fpd).toBeLessThan(score.near.fpd * 3);
    expect(score.copies.precision).toBeGreaterThan(0.6);
    expect(score.noise.precision).toBeLessThan(score.near.precision);
    expect(score.noise.kid).toBeGreaterThan(score.near.kid);
    for (const s of Object.values(score)) {
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    }
  });
});
