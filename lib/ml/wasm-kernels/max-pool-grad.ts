import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type KernelArgs, type TensorInfo } from "./compose";

/**
 * MaxPoolGrad as one pass over the input (a JS kernel: composing it from wasm kernels, e.g.
 * ArgMax over space-to-depth windows + OneHot + scatter, takes several full passes and handles
 * only non-overlapping windows).
 *
 * dx[argmax of window w] += dy[w], where the argmax is the FIRST maximum in row-major window
 * order (strict >), as in the cpu backend: ties (e.g. windows of zeros after a ReLU) send the
 * whole gradient to one element. The stock wasm kernel gives the same numbers but loops over
 * every (dx element, window) pair, several times slower.
 */
export function maxPoolGrad(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;

  const dx = backend.makeOutput(input.shape, "float32");
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const out = backend.typedArrayFromHeap(dx) as Float32Array;
  out.fill(0);
  // One output row at a time: scan its windows' input rows in order, keeping the running max and
  // its position per (output column, channel) in row buffers, so x is read sequentially with the
  // channel loop innermost. Within a window pixels come in row-major order and only a strictly
  // greater value replaces the max: the first maximum wins, exactly like the cpu backend's
  // maxPoolPositions (whose max starts at -Infinity, so a window of -Infinity/NaN sends nothing).
  const rowVal = new Float32Array(OW * C);
  const rowPos = new Int32Array(OW * C);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < OH; oy++) {
      rowVal.fill(-Infinity);
      rowPos.fill(-1);
      const y0 = oy * sh - pt;
      const yMax = Math.min(H, y0 + fh);
      for (let iy = Math.max(0, y0); iy < yMax; iy++) {
        const rowBase = (b * H + iy) * W * C;
        for (let ox = 0; ox < OW; ox++) {
          const x0 = ox * sw - pl;
          const xMax = Math.min(W, x0 + fw);
          const o = ox * C;
          for (let ix = Math.max(0, x0); ix < xMax; ix++) {
            const p = rowBase + ix * C;
            for (let c = 0; c < C; c++) {
              const v = x[p + c];
              if (v > rowVal[o + c]) {
                rowVal[o + c] = v;
                rowPos[o + c] = p + c;
              }
            }
          }
        }
      }
      const gBase = (b * OH + oy) * OW * C;
      for (let k = 0; k < OW * C; k++) {
        const p = rowPos[k];
        if (p >= 0) out[p] += g[gBase + k];
      }
    }
  }
  return dx;
}

export const maxPoolGradKernel = { kernelName: "MaxPoolGrad", kernelFunc: maxPoolGrad as tf.KernelFunc };
