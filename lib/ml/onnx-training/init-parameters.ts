import { mulberry32 } from "../../random/mulberry32";
import { describeNetwork, type NetworkSpec } from "./network-spec";

/** Trainable parameters by name, plus each batch norm's running statistics. */
export interface NetworkState {
  parameters: Map<string, Float32Array>;
  runningMean: Map<string, Float32Array>;
  runningVar: Map<string, Float32Array>;
}

/**
 * Fresh weights, as the tfjs reference CNN initialises them: He normal (std sqrt(2/fanIn)) for
 * the trunk's conv and dense kernels, Glorot uniform for the heads, zero biases and betas, unit
 * gammas, running mean 0 and variance 1. Seeded: the same seed gives the same start.
 */
export function initParameters(options: { spec: NetworkSpec; seed?: number }): NetworkState {
  const { spec } = options;
  const random = mulberry32(options.seed ?? 1);
  const normal = () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const heads = new Set(spec.heads.map((h) => `${h.name}.kernel`));
  const layout = describeNetwork(spec);
  const parameters = new Map<string, Float32Array>();
  for (const p of layout.parameters) {
    const v = new Float32Array(p.size);
    if (p.role === "gamma") v.fill(1);
    else if (p.role === "convKernel" || p.role === "denseKernel") {
      if (heads.has(p.name)) {
        const limit = Math.sqrt(6 / (p.fanIn + p.fanOut));
        for (let i = 0; i < v.length; i++) v[i] = (2 * random() - 1) * limit;
      } else {
        const std = Math.sqrt(2 / p.fanIn);
        for (let i = 0; i < v.length; i++) v[i] = normal() * std;
      }
    }
    parameters.set(p.name, v);
  }
  const runningMean = new Map(layout.batchNorms.map((b) => [b.name, new Float32Array(b.channels)] as const));
  const runningVar = new Map(layout.batchNorms.map((b) => [b.name, new Float32Array(b.channels).fill(1)] as const));
  return { parameters, runningMean, runningVar };
}
