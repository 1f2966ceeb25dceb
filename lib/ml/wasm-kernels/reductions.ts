import * as tf from "@tensorflow/tfjs";
import { composite, type KernelArgs, runStock, sizeOf, type TensorInfo } from "./compose";

/**
 * Sum and Mean over LEADING axes (e.g. [0, 1, 2] of NHWC: bias and batch-norm gradients, batch
 * moments). The stock wasm kernels reduce only innermost axes, so they first transpose the whole
 * tensor. Viewing x as a matrix [M, C] (M = product of the reduced axes), the reduction is the
 * matrix product ones[1, M] x X[M, C], which the wasm BatchMatMul runs with SIMD; Mean uses 1/M
 * instead of ones. Other axis sets (innermost ones, where the stock kernel is already direct, or
 * mixed) and non-float dtypes go to the stock kernel.
 */

type Op = "Sum" | "Mean";

function reduceKernel(op: Op) {
  return (args: KernelArgs): TensorInfo => {
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    if (x.dtype !== "float32" || rank < 2) return runStock(op, args);
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
    const k = axes.length;
    const isPrefix = k > 0 && k < rank && axes.every((a, i) => a === i);
    const m = sizeOf(x.shape.slice(0, k));
    if (!isPrefix || m < 2 || sizeOf(x.shape) === 0) return runStock(op, args);
    const rest = x.shape.slice(k);
    return composite(args.backend, (c) => {
      const ones = c.fill([1, 1, m], op === "Mean" ? 1 / m : 1);
      const x3 = c.reshape(x, [1, m, sizeOf(rest)]);
      const r = c.run("BatchMatMul", { a: ones, b: x3 }, { transposeA: false, transposeB: false });
      return c.reshape(r, keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest);
    });
  };
}

export const reductionKernels: { kernelName: Op; kernelFunc: tf.KernelFunc }[] = (["Sum", "Mean"] as const).map((op) => ({
  kernelName: op,
  kernelFunc: reduceKernel(op) as tf.KernelFunc,
}));
