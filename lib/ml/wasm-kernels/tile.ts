import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type KernelArgs, runStock, sizeOf, type TensorInfo } from "./compose";
import { readKernelAttrs } from "./read-kernel-attrs";

/**
 * Tile as block copies (a JS kernel: no wasm kernel composes into a tile more cheaply).
 *
 * The stock wasm Tile computes a source index per output element and takes ~250 ms to spread a
 * [1, 1, 1, 12] vector over a [32, 108, 84, 12] batch (the batch-norm gradient does exactly that).
 * Row-major tiling is recursive: the output block of axis d is the tiled block of axis d+1 for
 * each of the shape[d] input slices, then that whole block repeated reps[d] times, contiguously.
 * Repeats are made by doubling with `copyWithin` (memmove), so each output byte is written once
 * and the number of calls is logarithmic in the repeats.
 */
export function tile(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x as TensorInfo;
  const { reps } = readKernelAttrs<{ reps: number[] }>(args.attrs);
  if (x.dtype === "string" || reps.length !== x.shape.length) return runStock("Tile", args);
  const shape = x.shape;
  const rank = shape.length;
  const outShape = shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (sizeOf(outShape) === 0) return out;
  // Views after makeOutput: a heap growth would detach earlier ones.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  if (rank === 0) {
    dst[0] = src[0];
    return out;
  }
  const inStrides = new Array<number>(rank);
  const outStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  outStrides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) {
    inStrides[d] = inStrides[d + 1] * shape[d + 1];
    outStrides[d] = outStrides[d + 1] * outShape[d + 1];
  }
  const repeat = (offset: number, length: number, times: number) => {
    for (let have = 1; have < times;) {
      const n = Math.min(have, times - have);
      dst.copyWithin(offset + have * length, offset, offset + n * length);
      have += n;
    }
  };
  const fill = (d: number, inOffset: number, outOffset: number) => {
    if (d === rank - 1) {
      dst.set(src.subarray(inOffset, inOffset + shape[d]), outOffset);
    } else {
      for (let i = 0; i < shape[d]; i++) fill(d + 1, inOffset + i * inStrides[d], outOffset + i * outStrides[d]);
    }
    repeat(outOffset, shape[d] * outStrides[d], reps[d]);
  };
  fill(0, 0, 0);
  return out;
}

export const tileKernel = { kernelName: "Tile", kernelFunc: tile as tf.KernelFunc };
