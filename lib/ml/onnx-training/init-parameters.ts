import { initNetworkState } from "./init-network-state";
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
  const layout = describeNetwork(spec);
  const glorotKernels = new Set(spec.heads.map((h) => `${h.name}.kernel`));
  return initNetworkState({ parameters: layout.parameters, batchNorms: layout.batchNorms, glorotKernels, seed: options.seed ?? 1 });
}
