import { mulberry32 } from "../../random/mulberry32";
import type { NetworkState } from "./init-parameters";
import type { ParameterInfo } from "./network-spec";

/**
 * Fresh weights for a layout of parameters and batch norms, seeded (the same seed gives the same
 * start): Glorot uniform for the kernels named in `glorotKernels`, He normal (std sqrt(2/fanIn))
 * for every other conv and dense kernel, zero biases and betas, unit gammas, running mean 0 and
 * variance 1. initParameters (the CNN) and initVaeParameters (the VAE) differ only in which
 * kernels are Glorot.
 */
export function initNetworkState(options: {
  parameters: readonly ParameterInfo[];
  batchNorms: readonly { name: string; channels: number }[];
  glorotKernels: ReadonlySet<string>;
  seed: number;
}): NetworkState {
  const random = mulberry32(options.seed);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const parameters = new Map<string, Float32Array>();
  for (const p of options.parameters) {
    const v = new Float32Array(p.size);
    if (p.role === "gamma") v.fill(1);
    else if (p.role === "convKernel" || p.role === "denseKernel") {
      if (options.glorotKernels.has(p.name)) {
        const limit = Math.sqrt(6 / (p.fanIn + p.fanOut));
        for (let i = 0; i < v.length; i++) v[i] = (2 * random() - 1) * limit;
      } else {
        const std = Math.sqrt(2 / p.fanIn);
        for (let i = 0; i < v.length; i++) v[i] = normal() * std;
      }
    }
    parameters.set(p.name, v);
  }
  return {
    parameters,
    runningMean: new Map(options.batchNorms.map((b) => [b.name, new Float32Array(b.channels)] as const)),
    runningVar: new Map(options.batchNorms.map((b) => [b.name, new Float32Array(b.channels).fill(1)] as const)),
  };
}
