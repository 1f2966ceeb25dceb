import { describe, expect, it } from "vitest";
import { fixtureDropoutMasks, fixtureState, fixtureValues } from "../../../test-support/ml/fixture-values";
import { createOnnxTrainer } from "./create-onnx-trainer";
import type { LayerSpec, NetworkSpec } from "./network-spec";

/**
 * Every backward rule of build-training-graph.ts against central finite differences of the
 * graph's own loss: each network isolates one rule behind a conv (whose kernel gradient then
 * depends on that rule's input gradient) and a softmax head. float32 throughout (onnxruntime's
 * CPU Conv has no float64), so the step is 2e-3 on inputs of size ~1 and the tolerance is loose
 * (1e-3 absolute + 3% relative); a wrong rule is off by far more (a sign, a factor, a shift).
 */

const HEADS = [
  { name: "A", classes: 3 },
  { name: "B", classes: 2 },
];
const conv = (name: string, filters: number, kernel = 3): LayerSpec => ({ kind: "conv", name, filters, kernel });

const CASES: { rule: string; input: [number, number, number]; layers: LayerSpec[] }[] = [
  {
    rule: "conv input and filter gradients (3x3, 1x1, 5x5)",
    input: [6, 5, 2],
    layers: [conv("c1", 3), conv("c2", 2, 1), conv("c3", 2, 5), { kind: "flatten" }],
  },
  {
    rule: "batch norm (gamma, beta, input through the batch statistics)",
    input: [5, 4, 2],
    layers: [conv("c1", 3), { kind: "batchNorm", name: "bn" }, { kind: "flatten" }],
  },
  {
    rule: "ReLU then max pool (mask at pooled size, odd map cropped and padded back)",
    input: [7, 5, 2],
    layers: [conv("c1", 3), { kind: "relu" }, { kind: "maxPool", size: 2 }, conv("c2", 2), { kind: "flatten" }],
  },
  { rule: "max pool 3x3 alone", input: [7, 6, 1], layers: [conv("c1", 2), { kind: "maxPool", size: 3 }, { kind: "flatten" }] },
  {
    rule: "average pool (odd map)",
    input: [7, 5, 2],
    layers: [conv("c1", 3), { kind: "avgPool", size: 2 }, conv("c2", 2), { kind: "flatten" }],
  },
  { rule: "ReLU alone", input: [4, 4, 2], layers: [conv("c1", 3), { kind: "relu" }, conv("c2", 2), { kind: "flatten" }] },
  {
    rule: "global average pooling, dense with bias, ReLU, dropout",
    input: [5, 4, 2],
    layers: [
      conv("c1", 4),
      { kind: "globalAvgPool" },
      { kind: "dense", name: "d1", units: 5 },
      { kind: "relu" },
      { kind: "dropout", name: "drop", rate: 0.4 },
      { kind: "dense", name: "d2", units: 4 },
    ],
  },
  {
    rule: "nearest upsampling (gradient a sum pool), conv with bias, sigmoid",
    input: [3, 2, 2],
    layers: [
      conv("c1", 3),
      { kind: "upsample", size: 2 },
      { kind: "conv", name: "c2", filters: 2, kernel: 3, bias: true },
      { kind: "sigmoid" },
      { kind: "flatten" },
    ],
  },
  {
    rule: "reshape of a vector into a map, upsample 3, tanh",
    input: [3, 3, 2],
    layers: [
      conv("c1", 2),
      { kind: "flatten" },
      { kind: "dense", name: "d1", units: 8 },
      { kind: "reshape", shape: [2, 2, 2] },
      { kind: "upsample", size: 3 },
      { kind: "conv", name: "c2", filters: 2, kernel: 3, bias: true },
      { kind: "tanh" },
      { kind: "flatten" },
    ],
  },
];

const BATCH = 3;
const LABELS = [
  [0, 2, -1],
  [1, -1, 0],
];
const CLASS_WEIGHTS = [
  [1, 0.5, 2],
  [1.5, 1],
];

describe("backward rules against finite differences", () => {
  for (const c of CASES) {
    it(c.rule, async () => {
      const spec: NetworkSpec = { name: "fd", input: c.input, layers: c.layers, heads: HEADS };
      const state = fixtureState(spec);
      const x = fixtureValues(BATCH * c.input[0] * c.input[1] * c.input[2], 3, 1);
      const masks = fixtureDropoutMasks(spec, BATCH);
      const trainer = await createOnnxTrainer({ spec, state, threads: 1 });
      const batch = { x, count: BATCH, heads: LABELS.map((labels, k) => ({ labels, classWeights: CLASS_WEIGHTS[k] })) };
      try {
        const { gradients } = await trainer.computeGradients(batch, { dropoutMasks: masks });
        const lossAt = async () => (await trainer.computeGradients(batch, { dropoutMasks: masks })).loss;
        let checked = 0;
        for (const p of trainer.layout.parameters) {
          const values = trainer.state.parameters.get(p.name)!;
          const analytic = gradients.get(p.name)!;
          // Up to 6 entries per parameter, spread over the tensor.
          const picks = [
            ...new Set(
              Array.from(
                { length: Math.min(6, p.size) },
                (_, i) => Math.floor((i * p.size) / Math.min(6, p.size) + (p.size > 6 ? 1 : 0)) % p.size,
              ),
            ),
          ];
          for (const i of picks) {
            const h = 2e-3;
            const saved = values[i];
            values[i] = saved + h;
            const up = await lossAt();
            values[i] = saved - h;
            const down = await lossAt();
            values[i] = saved;
            const numeric = (up - down) / (2 * h);
            expect({ param: p.name, i, g: analytic[i] }).toEqual({ param: p.name, i, g: expect.closeTo(numeric, 2) });
            expect(Math.abs(analytic[i] - numeric)).toBeLessThan(1e-3 + 0.03 * Math.abs(numeric));
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(10);
        // The first conv's kernel gradient flows through every rule of the case: it must not vanish.
        expect(Math.max(...Array.from(gradients.get("c1.kernel")!, Math.abs))).toBeGreaterThan(1e-4);
      } finally {
        await trainer.close();
      }
    });
  }
});
