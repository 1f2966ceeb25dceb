import { describeNetwork, type NetworkSpec } from "../../lib/ml/onnx-training/network-spec";
import type { NetworkState } from "../../lib/ml/onnx-training/init-parameters";

/**
 * Test-only: deterministic inputs and weights computed by the same formula as
 * test-support/ml/make-torch-fixtures.py (`fixture_values`), so the committed PyTorch fixtures
 * need not store them: scale * sin(0.7137 i + 1.37 seed) * cos(0.1931 i - seed), in float64,
 * rounded to float32.
 */
export function fixtureValues(count: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = scale * Math.sin(0.7137 * i + 1.37 * seed) * Math.cos(0.1931 * i - seed);
  return out;
}

/** The fixture's weights: parameter k (in layout order) from seed 11 + k, scaled per role as in the script. */
export function fixtureState(spec: NetworkSpec): NetworkState {
  const layout = describeNetwork(spec);
  const heads = new Set(spec.heads.map((h) => `${h.name}.kernel`));
  const parameters = new Map<string, Float32Array>();
  layout.parameters.forEach((p, k) => {
    const seed = 11 + k;
    let v: Float32Array;
    if (p.role === "convKernel") v = fixtureValues(p.size, seed, Math.sqrt(2 / p.fanIn));
    else if (p.role === "gamma") v = fixtureValues(p.size, seed, 0.3).map((g) => g + 1);
    else if (p.role === "beta") v = fixtureValues(p.size, seed, 0.2);
    else if (p.role === "bias") v = fixtureValues(p.size, seed, 0.1);
    else if (heads.has(p.name)) v = fixtureValues(p.size, seed, Math.sqrt(6 / (p.fanIn + p.fanOut)));
    else v = fixtureValues(p.size, seed, Math.sqrt(2 / p.fanIn));
    parameters.set(p.name, v);
  });
  return {
    parameters,
    runningMean: new Map(layout.batchNorms.map((b) => [b.name, new Float32Array(b.channels)] as const)),
    runningVar: new Map(layout.batchNorms.map((b) => [b.name, new Float32Array(b.channels).fill(1)] as const)),
  };
}

/** The fixture's dropout masks: layer j from seed 101 + j, kept where (|u| * 7) mod 1 >= rate. */
export function fixtureDropoutMasks(spec: NetworkSpec, batch: number): Map<string, Float32Array> {
  const layout = describeNetwork(spec);
  return new Map(
    layout.dropouts.map((d, j) => {
      const u = fixtureValues(batch * d.size, 101 + j, 1);
      const keep = Math.fround(1 / (1 - d.rate));
      return [d.name, u.map((v) => (Math.fround(Math.abs(v) * 7) % 1 >= d.rate ? keep : 0))] as const;
    }),
  );
}
