import { describe, expect, it } from "vitest";
import { combineGenerationScore } from "./combine-generation-score";
import type { Memorisation } from "./compute-memorisation";

const parts = (meanMinCosine: number) => ({
  fpd: 4,
  kid: { kid: 0.01, std: 0.002, stdErr: 0.001, subsets: 4, subsetSize: 10 },
  manifold: { precision: 0.7, recall: 0.6, density: 0.9, coverage: 0.8 },
  memorisation: { meanMinCosine, nearCopyShare: 0.02, ct: { ct: -0.5, cells: [] } } as unknown as Memorisation,
});

describe("combineGenerationScore", () => {
  it("applies penalty = eps / max(d, floor) under eps: continuous at eps, capped for exact copies", () => {
    expect(combineGenerationScore(parts(0.3))).toMatchObject({
      main: 4,
      memorised: false,
      penalty: 1,
      higherIsBetter: false,
      fpd: 4,
      kid: 0.01,
      kidStd: 0.002,
      ct: -0.5,
    });
    expect(combineGenerationScore(parts(0.05))).toMatchObject({ main: 8, memorised: true, penalty: 2 });
    expect(combineGenerationScore(parts(0)).main).toBe(40);
    expect(combineGenerationScore(parts(0.0999999)).main).toBeCloseTo(4, 5);
    expect(combineGenerationScore({ ...parts(0.15), eps: 0.2, floor: 0.05 }).penalty).toBeCloseTo(4 / 3, 12);
  });
});
