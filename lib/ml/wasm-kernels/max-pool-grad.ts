import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type KernelArgs, type TensorInfo } from "./compose";
import { readKernelAttrs } from "./read-kernel-attrs";

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
  const { filterSize, strides, pad, dimRoundingMode } = readKernelAttrs<tf.MaxPoolGradAttrs>(args.attrs);
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const {
    batchSize,
    inHeight: H,
    inWidth: W,
    inChannels: C,
    outHeight: OH,
    outWidth: OW,
    strideHeight: sh,
    strideWidth: sw,
    effectiveFilterHeight: fh,
    effectiveFilterWidth: fw,
  } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;

  const dx = backend.makeOutput(input.shape, "float32");
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const out = backend.typedArrayFromHeap(dx) as Float32Array;
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && pt === 0 && pl === 0 && OH === H >> 1 && OW === W >> 1) {
    pool2x2Grad(x, g, out, batchSize, H, W, C);
    return dx;
  }
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

/**
 * The common 2x2 / stride 2 / unpadded case, unrolled: each window's four pixels are compared in
 * row-major order (strict >, so the first maximum wins) and all four dx values are written
 * directly (gradient or 0), so dx needs no separate zeroing pass except an odd last row/column.
 */
function pool2x2Grad(x: Float32Array, g: Float32Array, out: Float32Array, batchSize: number, H: number, W: number, C: number): void {
  const OH = H >> 1;
  const OW = W >> 1;
  const row = W * C;
  if (H & 1 || W & 1) out.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const top = (b * H + 2 * oy) * row;
      let gi = (b * OH + oy) * OW * C;
      for (let ox = 0; ox < OW; ox++) {
        const p00 = top + 2 * ox * C;
        for (let c = 0; c < C; c++, gi++) {
          const i0 = p00 + c;
          const i1 = i0 + C;
          const i2 = i0 + row;
          const i3 = i2 + C;
          const v0 = x[i0];
          const v1 = x[i1];
          const v2 = x[i2];
          const v3 = x[i3];
          // Position of the first maximum; -1 when nothing beats -Infinity (all -Inf/NaN).
          let best = v0 > -Infinity ? 0 : -1;
          let m = best === 0 ? v0 : -Infinity;
          if (v1 > m) {
            m = v1;
            best = 1;
          }
          if (v2 > m) {
            m = v2;
            best = 2;
          }
          if (v3 > m) best = 3;
          const d = g[gi];
          out[i0] = best === 0 ? d : 0;
          out[i1] = best === 1 ? d : 0;
          out[i2] = best === 2 ? d : 0;
          out[i3] = best === 3 ? d : 0;
        }
      }
    }
  }
}
