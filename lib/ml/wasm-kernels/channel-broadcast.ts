import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type Composer, composite, type KernelArgs, runStock, sizeOf, type TensorInfo } from "./compose";

/**
 * Per-channel broadcasting binary ops: `full op small` where `full` is [..., C] and `small` is a
 * per-channel vector ([C], [1, 1, 1, C], ...) or a scalar. Batch norm's forward and backward
 * passes are made of these (x - mean, dy * scale, ...). The stock wasm kernels take a generic
 * broadcasting path that runs 3-6x slower than the same op without broadcasting.
 *
 * A per-channel affine map y = x * a + b is exactly a 1x1 depthwise convolution with filter a
 * and bias b, which XNNPACK runs with SIMD at memory speed. So, with x viewed as [1, M, 1, C]:
 *   x * c   = depthwise(x, c)
 *   x + c   = depthwise(x, 1) + c            c + x: the same
 *   x - c   = depthwise(x, 1) + (-c)         c - x = depthwise(x, -1) + c
 *   x / c   = depthwise(x, 1/c)              (within an ulp of the division)
 *   (x - c)^2 = Square(x - c)                (SquaredDifference)
 * x*1 + b rounds exactly like x + b, so only the division differs from the reference at all.
 * Everything else (other shapes, dtypes, small tensors) goes to the stock kernel.
 */

type Op = "Multiply" | "Add" | "Sub" | "RealDiv" | "SquaredDifference";

/** Below this many elements the stock kernel is fast enough and we skip the bookkeeping. */
const MIN_SIZE = 4096;

interface Pattern {
  full: TensorInfo;
  small: TensorInfo;
  /** True when the small operand is the left one (`small op full`). */
  smallFirst: boolean;
  channels: number;
}

function match(a: TensorInfo, b: TensorInfo): Pattern | undefined {
  if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  for (const [full, small, smallFirst] of [
    [a, b, false],
    [b, a, true],
  ] as const) {
    const rank = full.shape.length;
    if (rank < 1 || small.shape.length > rank) continue;
    const size = sizeOf(full.shape);
    if (size < MIN_SIZE) continue;
    const c = full.shape[rank - 1];
    const smallSize = sizeOf(small.shape);
    if (smallSize === 1) return { full, small, smallFirst, channels: c };
    // small, right-aligned against full: all ones except the last dimension, equal to C.
    const s = small.shape;
    if (s[s.length - 1] !== c || smallSize !== c) continue;
    return { full, small, smallFirst, channels: c };
  }
  return undefined;
}

/** [C] vector of the small operand (a scalar is spread over the channels). */
function channelVector(backend: BackendWasm, c: Composer, p: Pattern): TensorInfo {
  if (sizeOf(p.small.shape) === 1 && p.channels !== 1) {
    const value = (backend.readSync(p.small.dataId) as Float32Array)[0];
    return c.fill([p.channels], value);
  }
  return c.reshape(p.small, [p.channels]);
}

function channelKernel(op: Op) {
  return (args: KernelArgs): TensorInfo => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const p = match(a, b);
    if (!p || (op === "RealDiv" && p.smallFirst)) return runStock(op, args);
    const backend = args.backend as BackendWasm;
    return composite(backend, (c) => {
      const C = p.channels;
      const x = c.reshape(p.full, [1, sizeOf(p.full.shape) / C, 1, C]);
      const v = channelVector(backend, c, p);
      let scale: TensorInfo;
      let bias: TensorInfo | undefined;
      switch (op) {
        case "Multiply":
          scale = v;
          break;
        case "RealDiv":
          scale = c.run("Reciprocal", { x: v });
          break;
        case "Add":
          scale = c.fill([C], 1);
          bias = v;
          break;
        case "Sub":
        case "SquaredDifference":
          // full - small = x*1 + (-v); small - full = x*(-1) + v (the square is the same either way)
          if (p.smallFirst && op === "Sub") {
            scale = c.fill([C], -1);
            bias = v;
          } else {
            scale = c.fill([C], 1);
            bias = c.run("Neg", { x: v });
          }
          break;
      }
      const filter = c.reshape(scale, [1, 1, C, 1]);
      // The wasm kernel checks the rank of the bias's *stored* data, which a Reshape (same dataId)
      // does not change: give it its own rank-1 copy (C floats).
      if (bias && bias.dataId === p.small.dataId) bias = c.run("Identity", { x: bias });
      const common = { strides: [1, 1], pad: "valid", dilations: [1, 1], dataFormat: "NHWC" };
      const y = bias
        ? c.run("FusedDepthwiseConv2D", { x, filter, bias }, { ...common, activation: "linear" })
        : c.run("DepthwiseConv2dNative", { x, filter }, common);
      const out = op === "SquaredDifference" ? c.run("Square", { x: y }) : y;
      return c.reshape(out, p.full.shape);
    });
  };
}

export const channelBroadcastKernels: { kernelName: Op; kernelFunc: tf.KernelFunc }[] = (
  ["Multiply", "Add", "Sub", "RealDiv", "SquaredDifference"] as const
).map((op) => ({ kernelName: op, kernelFunc: channelKernel(op) }));
