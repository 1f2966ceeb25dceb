import * as tf from "@tensorflow/tfjs";
import { aliasingKernels } from "./wasm-kernels/aliasing";
import { batchNormKernel } from "./wasm-kernels/batch-norm";
import { batchNormGradient } from "./wasm-kernels/batch-norm-grad";
import { BACKEND, currentKernel, stockKernels } from "./wasm-kernels/compose";
import { channelBroadcastKernels } from "./wasm-kernels/channel-broadcast";
import { conv2DBackpropFilter, conv2DBackpropInput } from "./wasm-kernels/conv2d-grads";
import { maxPoolGradKernel } from "./wasm-kernels/max-pool-grad";
import { reductionGradients } from "./wasm-kernels/reduction-grads";
import { reductionKernels } from "./wasm-kernels/reductions";
import { tileKernel } from "./wasm-kernels/tile";

/**
 * Training kernels for the tfjs `wasm` backend (tfjs-backend-wasm 4.22).
 *
 * Stock wasm cannot train a CNN: `Conv2DBackpropFilter` is not registered, and its
 * `Conv2DBackpropInput` is a scalar C++ loop. Both gradients are convolutions, so we express
 * them as forward `Conv2D` calls (XNNPACK, SIMD) plus layout kernels. Profiling a training step
 * of a small CNN (conv, batch norm, ReLU, max pool, dense, softmax, Adam) then showed the
 * rest of the time in a few slow stock kernels, also replaced here:
 *   - Multiply/Add/Sub/RealDiv/SquaredDifference with a per-channel operand: 1x1 depthwise conv;
 *   - Sum/Mean over leading axes: one average pooling (no transpose);
 *   - FusedBatchNorm: two 1x1 depthwise convolutions;
 *   - Identity and same-dtype Cast: alias the data instead of copying it;
 *   - Tile: block copies (JS);  MaxPoolGrad: one pass with first-max argmax (JS);
 * and two gradients (shared by all backends): Mean and Sum broadcast dy with Tile instead of
 * multiplying by a `tf.ones` tensor built in JS (same values), and FusedBatchNorm takes 5 passes
 * over the activations instead of ~15 (same maths, factors moved out of the sums).
 * The formulations and measurements are in docs/decisions/0004-wasm-training-kernels.md.
 * Each replaced kernel falls back to the stock one outside the shapes it speeds up.
 */

interface OurKernel {
  kernelName: string;
  kernelFunc: tf.KernelFunc;
}

const KERNELS: OurKernel[] = [
  { kernelName: "Conv2DBackpropFilter", kernelFunc: conv2DBackpropFilter },
  { kernelName: "Conv2DBackpropInput", kernelFunc: conv2DBackpropInput },
  ...channelBroadcastKernels,
  ...reductionKernels,
  tileKernel,
  maxPoolGradKernel,
  batchNormKernel,
  ...aliasingKernels,
];

/** Names of the kernels this module registers for wasm. */
export const WASM_TRAINING_KERNELS: readonly string[] = KERNELS.map((k) => k.kernelName);

/** True when all our kernels (and gradients) are the registered ones. */
export function wasmTrainingKernelsRegistered(): boolean {
  return (
    KERNELS.every((k) => currentKernel(k.kernelName)?.kernelFunc === k.kernelFunc) &&
    GRADIENTS.every((g) => tf.getGradient(g.kernelName)?.gradFunc === g.gradFunc)
  );
}

/**
 * Registers the training kernels for the wasm backend (idempotent). Best called after the
 * wasm backend has started (selectTrainingBackend does); if called before, each replaced
 * kernel's stock setup (its cwrap of the C++ function) is chained so fallbacks still work.
 */
export function registerWasmTrainingKernels(options: { only?: readonly string[] } = {}): void {
  for (const k of KERNELS) {
    if (options.only && !options.only.includes(k.kernelName)) continue;
    const existing = currentKernel(k.kernelName);
    if (existing?.kernelFunc === k.kernelFunc) continue;
    if (!stockKernels.has(k.kernelName)) stockKernels.set(k.kernelName, existing);
    const stock = stockKernels.get(k.kernelName);
    if (existing) tf.unregisterKernel(k.kernelName, BACKEND);
    tf.registerKernel({
      kernelName: k.kernelName,
      backendName: BACKEND,
      kernelFunc: k.kernelFunc,
      setupFunc: stock?.setupFunc,
      disposeFunc: stock?.disposeFunc,
    });
  }
  if (!options.only) registerGradients();
}

const GRADIENTS: tf.GradConfig[] = [...reductionGradients, batchNormGradient];
const stockGradients = new Map<string, tf.GradConfig | undefined>();

function registerGradients(): void {
  for (const g of GRADIENTS) {
    const current = tf.getGradient(g.kernelName);
    if (current?.gradFunc === g.gradFunc) continue;
    if (!stockGradients.has(g.kernelName)) stockGradients.set(g.kernelName, current);
    tf.registerGradient(g);
  }
}

function unregisterGradients(): void {
  for (const g of GRADIENTS) {
    if (tf.getGradient(g.kernelName)?.gradFunc !== g.gradFunc) continue;
    const stock = stockGradients.get(g.kernelName);
    tf.unregisterGradient(g.kernelName);
    if (stock) tf.registerGradient(stock);
  }
  stockGradients.clear();
}

/** Restores the stock wasm kernels (benchmarks compare stock and patched wasm in one process). */
export function unregisterWasmTrainingKernels(): void {
  for (const k of KERNELS) {
    if (currentKernel(k.kernelName)?.kernelFunc !== k.kernelFunc) continue;
    tf.unregisterKernel(k.kernelName, BACKEND);
    const stock = stockKernels.get(k.kernelName);
    if (stock) tf.registerKernel(stock);
  }
  stockKernels.clear();
  unregisterGradients();
}
