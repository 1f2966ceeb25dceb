import { describe, expect, it } from "vitest";
import { fixtureState, fixtureValues } from "../../../test-support/ml/fixture-values";
import { createOnnxTrainer } from "./create-onnx-trainer";
import type { NetworkSpec } from "./network-spec";

/**
 * The exported inference graph folds each batch norm into its conv and drops dropout. With the
 * running statistics set to one batch's own statistics and no dropout, inference on that batch
 * computes exactly the training forward pass: its cross-entropy must equal the training graph's loss.
 */
const spec: NetworkSpec = {
  name: "fold",
  input: [9, 7, 3],
  layers: [
    { kind: "avgPool", size: 1 },
    { kind: "conv", name: "c1", filters: 4, kernel: 3 },
    { kind: "batchNorm", name: "bn1" },
    { kind: "relu" },
    { kind: "maxPool", size: 2 },
    { kind: "conv", name: "c2", filters: 5, kernel: 3 },
    { kind: "batchNorm", name: "bn2" },
    { kind: "relu" },
    { kind: "flatten" },
    { kind: "dense", name: "d", units: 6 },
    { kind: "relu" },
    { kind: "dropout", name: "drop", rate: 0.3 },
  ],
  heads: [
    { name: "A", classes: 3 },
    { name: "B", classes: 2 },
  ],
};

describe("inference graph", () => {
  it("with the batch's own statistics as running statistics, reproduces the training forward pass", async () => {
    const n = 6;
    const x = fixtureValues(n * 9 * 7 * 3, 5, 1.5);
    const labels = [
      [0, 1, 2, 2, 1, 0],
      [1, 0, 1, 1, 0, 0],
    ];
    const trainer = await createOnnxTrainer({ spec, state: fixtureState(spec), threads: 1 });
    try {
      const ones = new Map([["drop", new Float32Array(n * 6).fill(1)]]);
      const train = await trainer.computeGradients({ x, count: n, heads: labels.map((l) => ({ labels: l })) }, { dropoutMasks: ones });
      for (const [name, mean] of train.batchMean) trainer.state.runningMean.set(name, mean);
      for (const [name, variance] of train.batchVar) trainer.state.runningVar.set(name, variance);
      const predictor = await trainer.createPredictor();
      const probabilities = await predictor.predict(x, n);
      await predictor.close();
      spec.heads.forEach((head, k) => {
        let ce = 0;
        for (let i = 0; i < n; i++) ce -= Math.log(probabilities[k][i * head.classes + labels[k][i]]);
        expect(ce / n).toBeCloseTo(train.losses[k], 5);
        for (let i = 0; i < n; i++)
          expect(probabilities[k].subarray(i * head.classes, (i + 1) * head.classes).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      });
      // The running statistics are what inference uses: other statistics change the outputs.
      for (const v of trainer.state.runningVar.values()) v.fill(4);
      const changed = await trainer.createPredictor();
      const other = await changed.predict(x, n);
      await changed.close();
      expect(Math.max(...other[0].map((p, i) => Math.abs(p - probabilities[0][i])))).toBeGreaterThan(1e-3);
    } finally {
      await trainer.close();
    }
  });
});
