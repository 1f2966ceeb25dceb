import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixtureDropoutMasks, fixtureState, fixtureValues } from "../../../test-support/ml/fixture-values";
import { createOnnxTrainer } from "./create-onnx-trainer";
import type { NetworkSpec } from "./network-spec";

/**
 * One whole training step (forward, loss, every gradient, the batch statistics) against PyTorch
 * autograd on the same network, inputs and weights. The expected numbers were computed once by
 * test-support/ml/make-torch-fixtures.py and committed (a fresh machine has no torch).
 */
interface TorchCase {
  spec: NetworkSpec;
  batch: number;
  labels: number[][];
  classWeights: number[][];
  xChecksum: number;
  loss: number;
  losses: number[];
  gradients: Record<string, number[]>;
  batchMean: Record<string, number[]>;
  batchVar: Record<string, number[]>;
}

const fixtures = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../test-support/ml/torch-fixtures.json"), "utf8")) as {
  cases: TorchCase[];
};

/** Largest |a - b| relative to the largest |b| of the tensor (gradients of a tensor share a scale). */
function relativeError(actual: ArrayLike<number>, expected: number[]): number {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1e-6, ...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
  return worst;
}

describe("one training step matches PyTorch autograd", () => {
  for (const c of fixtures.cases) {
    it(`${c.spec.name}: loss, gradients of every parameter, batch statistics`, async () => {
      const [h, w, ch] = c.spec.input;
      const x = fixtureValues(c.batch * h * w * ch, 1, 1);
      // The same inputs as the script's (its checksum is the float64 sum of the float32 values).
      expect(x.reduce((a, v) => a + v, 0)).toBeCloseTo(c.xChecksum, 6);
      const trainer = await createOnnxTrainer({ spec: c.spec, state: fixtureState(c.spec), threads: 1 });
      try {
        const result = await trainer.computeGradients(
          { x, count: c.batch, heads: c.labels.map((labels, k) => ({ labels, classWeights: c.classWeights[k] })) },
          { dropoutMasks: fixtureDropoutMasks(c.spec, c.batch) },
        );
        expect(Math.abs(result.loss - c.loss) / c.loss).toBeLessThan(1e-5);
        result.losses.forEach((l, k) => expect(Math.abs(l - c.losses[k])).toBeLessThan(1e-5 * Math.max(1, c.losses[k])));
        const errors: Record<string, number> = {};
        for (const [name, expected] of Object.entries(c.gradients)) errors[name] = relativeError(result.gradients.get(name)!, expected);
        for (const [name, expected] of Object.entries(c.batchMean))
          errors[`${name}.mean`] = relativeError(result.batchMean.get(name)!, expected);
        for (const [name, expected] of Object.entries(c.batchVar))
          errors[`${name}.var`] = relativeError(result.batchVar.get(name)!, expected);
        expect(Object.keys(errors).length).toBe(trainer.layout.parameters.length + 2 * trainer.layout.batchNorms.length);
        // Relative to each tensor's largest value: float32 on both sides.
        expect(Math.max(...Object.values(errors))).toBeLessThan(2e-5);
      } finally {
        await trainer.close();
      }
    });
  }
});
