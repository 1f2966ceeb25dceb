import * as tf from "@tensorflow/tfjs";
import { composite, type KernelArgs, runStock, sizeOf, type TensorInfo } from "./compose";
import { readKernelAttrs } from "./read-kernel-attrs";

/**
 * Sum and Mean over LEADING axes (e.g. [0, 1, 2] of NHWC: bias and batch-norm gradients, batch
 * moments). The stock wasm kernels reduce only innermost axes, so they first transpose the whole
 * tensor. Viewing x as an image [1, M, 1, C] (M = product of the reduced axes), the mean over M
 * is one average pooling with an [M, 1] window, which XNNPACK runs with SIMD in one pass; the
 * sum is that mean times M (C multiplications). (A ones[1, M] x X[M, C] BatchMatMul is exact too
 * but XNNPACK repacks X as weights on every call, ~5x slower.) Other axis sets (innermost ones,
 * where the stock kernel is already direct, or mixed) and non-float dtypes go to the stock kernel.
 */

type Op = "Sum" | "Mean";

function reduceKernel(op: Op) {
  return (args: KernelArgs): TensorInfo => {
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = readKernelAttrs<{ axis: number | number[]; keepDims: boolean }>(args.attrs);
    const rank = x.shape.length;
    if (x.dtype !== "float32" || rank < 2) return runStock(op, args);
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
    const k = axes.length;
    const isPrefix = k > 0 && k < rank && axes.every((a, i) => a === i);
    const m = sizeOf(x.shape.slice(0, k));
    if (!isPrefix || m < 2 || sizeOf(x.shape) === 0) return runStock(op, args);
    const rest = x.shape.slice(k);
    return composite(args.backend, (c) => {
      const x4 = c.reshape(x, [1, m, 1, sizeOf(rest)]);
      let r = c.run("AvgPool", { x: x4 }, { filterSize: [m, 1], strides: [1, 1], pad: "valid" });
      if (op === "Sum") r = c.run("Multiply", { a: r, b: c.fill([], m) });
      return c.reshape(r, keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest);
    });
  };
}

export const reductionKernels: { kernelName: Op; kernelFunc: tf.KernelFunc }[] = (["Sum", "Mean"] as const).map((op) => ({
  kernelName: op,
  kernelFunc: reduceKernel(op),
}));
