import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { fixtureValues } from "../../../test-support/ml/fixture-values";
import { createVaeTrainer } from "./create-vae-trainer";
import { describeVae, type VaeSpec } from "./vae-spec";

/**
 * The VAE's step graph (build-vae-training-graph.ts) against central finite differences of its
 * own float32 loss: the squared-error reconstruction through a sigmoid decoder with upsampling,
 * the reparameterisation z = mu + exp(logvar / 2) * noise with the noise fed as an input, and
 * the KL term, with both weights away from 1 so a missing factor shows. Also the loss's parts
 * against a direct computation, and the exported decoder against the step graph's forward pass.
 */
const SPEC: VaeSpec = {
  name: "fd_vae",
  input: [4, 4, 2],
  latent: 3,
  encoder: [
    { kind: "conv", name: "e1", filters: 3, kernel: 3 },
    { kind: "batchNorm", name: "ebn" },
    { kind: "relu" },
    { kind: "avgPool", size: 2 },
    { kind: "flatten" },
  ],
  decoder: [
    { kind: "dense", name: "d1", units: 8 },
    { kind: "relu" },
    { kind: "reshape", shape: [2, 2, 2] },
    { kind: "upsample", size: 2 },
    { kind: "conv", name: "d2", filters: 3, kernel: 3 },
    { kind: "batchNorm", name: "dbn" },
    { kind: "relu" },
    { kind: "conv", name: "out", filters: 2, kernel: 3, bias: true },
    { kind: "sigmoid" },
  ],
};
const N = 3;
const WEIGHTS = { reconstructionWeight: 1.7, klWeight: 0.6 };

function fixtureVaeState() {
  const layout = describeVae(SPEC);
  const parameters = new Map<string, Float32Array>();
  layout.parameters.forEach((p, k) => {
    const scale = p.role === "gamma" ? 0.3 : p.role === "beta" || p.role === "bias" ? 0.2 : Math.sqrt(2 / p.fanIn);
    const v = fixtureValues(p.size, 11 + k, scale);
    parameters.set(p.name, p.role === "gamma" ? v.map((g) => g + 1) : v);
  });
  return {
    parameters,
    runningMean: new Map(layout.batchNorms.map((b) => [b.name, new Float32Array(b.channels)] as const)),
    runningVar: new Map(layout.batchNorms.map((b) => [b.name, new Float32Array(b.channels).fill(1)] as const)),
  };
}

describe("VAE step graph", () => {
  it("gives every parameter's gradient of reconstruction + KL as finite differences do", async () => {
    const trainer = await createVaeTrainer({ spec: SPEC, state: fixtureVaeState(), threads: 1 });
    const x = fixtureValues(N * 4 * 4 * 2, 3, 0.5).map((v) => v + 0.5);
    const noise = fixtureValues(N * SPEC.latent, 5, 1.2);
    const batch = { x, count: N, noise, ...WEIGHTS };
    try {
      const { gradients, loss, reconstruction, kl, mu } = await trainer.computeGradients(batch);
      expect(loss).toBeCloseTo(WEIGHTS.reconstructionWeight * reconstruction + WEIGHTS.klWeight * kl, 4);
      expect(kl).toBeGreaterThan(0);
      expect(mu.length).toBe(N * SPEC.latent);
      let checked = 0;
      for (const p of trainer.layout.parameters) {
        const values = trainer.state.parameters.get(p.name)!;
        const analytic = gradients.get(p.name)!;
        const picks = [...new Set(Array.from({ length: Math.min(5, p.size) }, (_, i) => Math.floor((i * p.size) / Math.min(5, p.size))))];
        for (const i of picks) {
          const h = 2e-3;
          const saved = values[i];
          values[i] = saved + h;
          const up = (await trainer.computeGradients(batch)).loss;
          values[i] = saved - h;
          const down = (await trainer.computeGradients(batch)).loss;
          values[i] = saved;
          const numeric = (up - down) / (2 * h);
          expect({ param: p.name, i, g: analytic[i] }).toEqual({ param: p.name, i, g: expect.closeTo(numeric, 2) });
          expect(Math.abs(analytic[i] - numeric)).toBeLessThan(1e-3 + 0.03 * Math.abs(numeric));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(40);
      // The encoder's first kernel learns through the reparameterisation and the KL term.
      expect(Math.max(...Array.from(gradients.get("e1.kernel")!, Math.abs))).toBeGreaterThan(1e-4);
    } finally {
      await trainer.close();
    }
  });

  it("computes the KL of a known posterior and the squared error of a known reconstruction", async () => {
    // Every weight zero: mu = 0 and logvar = the latent layer's bias; the decoder outputs sigmoid(bias) everywhere.
    const state = fixtureVaeState();
    for (const v of state.parameters.values()) v.fill(0);
    const logvar = [0.5, -1, 2];
    state.parameters.get("latent.bias")!.set(logvar, SPEC.latent);
    state.parameters.get("out.bias")!.set([0, 1]);
    const trainer = await createVaeTrainer({ spec: SPEC, state, threads: 1 });
    try {
      const x = new Float32Array(N * 32).fill(0.25);
      const r = await trainer.computeGradients({
        x,
        count: N,
        noise: new Float32Array(N * 3).fill(1),
        reconstructionWeight: 1,
        klWeight: 1,
      });
      const klPerImage = logvar.reduce((s, lv) => s + 0.5 * (Math.exp(lv) - 1 - lv), 0);
      expect(r.kl).toBeCloseTo(klPerImage, 4);
      const sig1 = 1 / (1 + Math.exp(-1));
      expect(r.reconstruction).toBeCloseTo(16 * (0.5 - 0.25) ** 2 + 16 * (sig1 - 0.25) ** 2, 4);
    } finally {
      await trainer.close();
    }
  });

  it("exports the decoder as a generator: [N, latent] in, NHWC images in (0, 1) out, nearest upscaling, the latent transform applied", async () => {
    const state = fixtureVaeState();
    const trainer = await createVaeTrainer({ spec: SPEC, state, threads: 1, batchNormMomentum: 0 });
    try {
      const x = fixtureValues(N * 32, 3, 0.5).map((v) => v + 0.5);
      const noise = new Float32Array(N * 3);
      // momentum 0 with a zero learning rate: the running statistics become this batch's (unbiased variance).
      const { mu } = await trainer.step({ x, count: N, noise, reconstructionWeight: 1, klWeight: 1, learningRate: 0 });
      const decoder = await ort.InferenceSession.create(trainer.exportDecoder({ upscale: 2 }));
      const out = await decoder.run({ latent: new ort.Tensor("float32", Float32Array.from(mu), [N, 3]) });
      const images = out.images;
      expect(images.dims).toEqual([N, 8, 8, 2]);
      const data = images.data as Float32Array;
      for (const v of data) expect(v > 0 && v < 1).toBe(true);
      // Nearest upscaling: each 2x2 block is one value.
      expect(data[0]).toBe(data[2]);
      expect(data[0]).toBe(data[8 * 2]);
      await decoder.release();
      // A transform with a zero matrix maps every latent to its mean: identical images.
      const fixed = await ort.InferenceSession.create(
        trainer.exportDecoder({ latentTransform: { mean: mu.subarray(0, 3), matrix: new Float32Array(9) } }),
      );
      const same = (await fixed.run({ latent: new ort.Tensor("float32", fixtureValues(N * 3, 9, 1), [N, 3]) })).images.data as Float32Array;
      const first = (await fixed.run({ latent: new ort.Tensor("float32", new Float32Array(3), [1, 3]) })).images.data as Float32Array;
      for (let i = 0; i < N; i++) for (let p = 0; p < 32; p++) expect(same[i * 32 + p]).toBeCloseTo(first[p], 6);
      await fixed.release();
    } finally {
      await trainer.close();
    }
  });
});
