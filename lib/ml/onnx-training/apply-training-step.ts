import { applyAdam, type AdamState } from "./adam-optimizer";
import type { NetworkState } from "./init-parameters";

/**
 * Applies one training step's result to the network: refuses a non-finite loss (training
 * diverged), takes the Adam step with the gradients, then moves each batch norm's running mean
 * and variance towards the batch's statistics: running = momentum * running + (1 - momentum) *
 * batch, with the unbiased batch variance (PyTorch's convention: times m / (m - 1), m the values
 * each channel's statistics were taken over).
 */
export function applyTrainingStep(options: {
  state: NetworkState;
  adam: AdamState;
  result: {
    loss: number;
    gradients: Map<string, Float32Array>;
    batchMean: ReadonlyMap<string, Float32Array>;
    batchVar: ReadonlyMap<string, Float32Array>;
  };
  learningRate: number;
  batchNorms: readonly { name: string }[];
  /** Values per channel in the batch (images x pixels of the activation) for a batch norm. */
  valuesPerChannel: (batchNorm: string) => number;
  momentum: number;
}): void {
  const { state, result, momentum } = options;
  if (!Number.isFinite(result.loss)) throw new Error(`training diverged: loss ${result.loss}`);
  applyAdam({ state: options.adam, parameters: state.parameters, gradients: result.gradients, learningRate: options.learningRate });
  for (const b of options.batchNorms) {
    const m = options.valuesPerChannel(b.name);
    const unbias = m > 1 ? m / (m - 1) : 1;
    const rm = state.runningMean.get(b.name)!;
    const rv = state.runningVar.get(b.name)!;
    const bm = result.batchMean.get(b.name)!;
    const bv = result.batchVar.get(b.name)!;
    for (let c = 0; c < rm.length; c++) {
      rm[c] = momentum * rm[c] + (1 - momentum) * bm[c];
      rv[c] = momentum * rv[c] + (1 - momentum) * bv[c] * unbias;
    }
  }
}
