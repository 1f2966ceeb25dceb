import type * as tf from "@tensorflow/tfjs";
import { composite, type KernelArgs, runStock, sizeOf, type TensorInfo } from "./compose";
import { readKernelAttrs } from "./read-kernel-attrs";

/**
 * FusedBatchNorm (inference-style normalisation with given mean/variance, also used by
 * tf.layers.batchNormalization in training after tf.moments):
 *   y = (x - mean) * a + offset,   a = scale / sqrt(variance + epsilon)
 * as two 1x1 depthwise convolutions over x viewed as [1, M, 1, C] (XNNPACK, SIMD):
 * t = x*1 + (-mean), then y = t*a + offset. Subtracting the mean first keeps the rounding of the
 * reference (folding it into one pass, x*a + (offset - mean*a), cancels badly when |mean| >> std).
 * The stock kernel is a scalar C++ loop with broadcasting index arithmetic, ~5x slower.
 * Per-channel statistics only ([C] or [1, 1, 1, C]); anything else goes to the stock kernel.
 */
export function fusedBatchNorm(args: KernelArgs): TensorInfo {
  const { x, mean, variance, offset, scale } = args.inputs as Record<string, TensorInfo | undefined> & {
    x: TensorInfo;
    mean: TensorInfo;
    variance: TensorInfo;
  };
  const { varianceEpsilon } = readKernelAttrs<{ varianceEpsilon: number }>(args.attrs);
  const C = x.shape[x.shape.length - 1];
  const perChannel = (t?: TensorInfo) => !t || (sizeOf(t.shape) === C && t.shape[t.shape.length - 1] === C);
  if (x.dtype !== "float32" || x.shape.length < 2 || sizeOf(x.shape) < 4096 || ![mean, variance, offset, scale].every(perChannel)) {
    return runStock("FusedBatchNorm", args);
  }
  return composite(args.backend, (c) => {
    const vec = (t: TensorInfo) => c.run("Identity", { x: c.reshape(t, [C]) }); // own rank-1 data (see channel-broadcast.ts)
    const x4 = c.reshape(x, [1, sizeOf(x.shape) / C, 1, C]);
    const common = { strides: [1, 1], pad: "valid", dilations: [1, 1], dataFormat: "NHWC", activation: "linear" };
    const negMean = c.run("Neg", { x: vec(mean) });
    const t = c.run("FusedDepthwiseConv2D", { x: x4, filter: c.fill([1, 1, C, 1], 1), bias: negMean }, common);
    const rstd = c.run("Rsqrt", { x: c.run("Add", { a: vec(variance), b: c.fill([], varianceEpsilon) }) });
    const a = scale ? c.run("Multiply", { a: rstd, b: vec(scale) }) : rstd;
    const b = offset ? vec(offset) : c.fill([C], 0);
    const y = c.run("FusedDepthwiseConv2D", { x: t, filter: c.reshape(a, [1, 1, C, 1]), bias: b }, common);
    return c.reshape(y, x.shape);
  });
}

export const batchNormKernel = { kernelName: "FusedBatchNorm", kernelFunc: fusedBatchNorm as tf.KernelFunc };
