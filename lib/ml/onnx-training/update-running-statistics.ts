import type { NetworkState } from "./init-parameters";

/**
 * Moves each batch norm's running mean and variance towards the batch's statistics:
 * running = momentum * running + (1 - momentum) * batch, with the unbiased batch variance
 * (PyTorch's convention: times m / (m - 1), m the values each channel's statistics were taken over).
 */
export function updateRunningStatistics(options: {
  state: NetworkState;
  batchNorms: readonly { name: string }[];
  batchMean: ReadonlyMap<string, Float32Array>;
  batchVar: ReadonlyMap<string, Float32Array>;
  /** Values per channel in the batch (images x pixels of the activation) for a batch norm. */
  valuesPerChannel: (batchNorm: string) => number;
  momentum: number;
}): void {
  const { state, momentum } = options;
  for (const b of options.batchNorms) {
    const m = options.valuesPerChannel(b.name);
    const unbias = m > 1 ? m / (m - 1) : 1;
    const rm = state.runningMean.get(b.name)!;
    const rv = state.runningVar.get(b.name)!;
    const bm = options.batchMean.get(b.name)!;
    const bv = options.batchVar.get(b.name)!;
    for (let c = 0; c < rm.length; c++) {
      rm[c] = momentum * rm[c] + (1 - momentum) * bm[c];
      rv[c] = momentum * rv[c] + (1 - momentum) * bv[c] * unbias;
    }
  }
}
