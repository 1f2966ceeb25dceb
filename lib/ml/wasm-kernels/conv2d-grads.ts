import * as tf from "@tensorflow/tfjs";
import { type Composer, composite, type KernelArgs, type TensorInfo } from "./compose";
import { readKernelAttrs } from "./read-kernel-attrs";

/**
 * Conv2D gradients as forward convolutions (XNNPACK, SIMD) plus layout kernels.
 *
 * Notation, one spatial axis (the other is the same): input x has H rows, filter K rows, stride
 * s, top padding pt; the forward conv is y[o] = sum_k x[o*s + k - pt] * W[k], o in [0, Ho).
 * Channels: W is [Kh, Kw, Ci, Co], x is [N, H, W, Ci], dy is [N, Ho, Wo, Co] (NHWC only).
 */

/** The forward convolution's sizes under the short names of the notation above (both gradients use them). */
function convGeometry(
  xShape: number[],
  filterShape: number[],
  attrs: { strides: [number, number] | number; pad: unknown; dataFormat: string; dimRoundingMode?: "floor" | "round" | "ceil" },
  kernel: string,
) {
  if (attrs.dataFormat !== "NHWC")
    throw new Error(`${kernel} on wasm supports only dataFormat NHWC (channelsLast), got ${attrs.dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad as "same",
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    ci: info.inChannels,
    co: info.outChannels,
    ho: info.outHeight,
    wo: info.outWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    kh: info.filterHeight,
    kw: info.filterWidth,
    pt: info.padInfo.top,
    pl: info.padInfo.left,
  };
}

/**
 * dW[kh, kw, ci, co] = sum_{n, oh, ow} x[n, oh*s + kh - pt, ow*s + kw - pl, ci] * dy[n, oh, ow, co]
 *
 * Read ci as a batch index, n as an input channel, (kh, kw) as output pixels and (oh, ow) as
 * filter taps: this is a forward convolution with stride 1 and dilation s of
 *   X' = transpose(x)  [Ci, H, W, N]   with the filter   F' = transpose(dy)  [Ho, Wo, N, Co],
 * giving [Ci, Kh, Kw, Co], transposed back to [Kh, Kw, Ci, Co]. Output size Kh needs
 *   pt + H + pb - (s*(Ho - 1) + 1) + 1 = Kh  ->  pb = Kh + s*(Ho - 1) - H - pt,
 * which is negative when the forward pass never read the last rows of x ('valid' padding
 * with a stride that does not divide): then those rows are cropped instead of padded.
 */
export function conv2DBackpropFilter(args: KernelArgs): TensorInfo {
  const backend = args.backend;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = readKernelAttrs<tf.Conv2DBackpropFilterAttrs>(args.attrs);
  const { n, h, w, ci, ho, wo, sh, sw, kh, kw, pt, pl } = convGeometry(x.shape, attrs.filterShape, attrs, "Conv2DBackpropFilter");
  let pb = kh + sh * (ho - 1) - h - pt;
  let pr = kw + sw * (wo - 1) - w - pl;
  return composite(backend, (c) => {
    let xin = x;
    // Rows/columns the forward pass never read: crop them (negative padding).
    if (pb < 0 || pr < 0) {
      const hUsed = h + Math.min(pb, 0);
      const wUsed = w + Math.min(pr, 0);
      xin = c.slice(x, [0, 0, 0, 0], [n, hUsed, wUsed, ci]);
      pb = Math.max(pb, 0);
      pr = Math.max(pr, 0);
    }
    const xt = c.transpose(xin, [3, 1, 2, 0]); // [Ci, H, W, N]
    const dyt = c.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
    const g = c.conv2d(
      xt,
      dyt,
      [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ],
      [sh, sw],
    ); // [Ci, Kh, Kw, Co]
    return c.transpose(g, [1, 2, 0, 3]); // [Kh, Kw, Ci, Co]
  });
}

/**
 * dx[i] = sum_{o, k : o*s + k - pt = i} dy[o] * W[k]   (per spatial axis; ci/co contracted on W)
 *
 * Stride 1: a "full" correlation of dy with the spatially flipped, in/out-swapped filter
 *   dx = conv(dy, F) with F[t, co, ci] = W[K-1-t, ci, co], padding K-1-pt on top.
 *
 * Stride s > 1 (sub-pixel / phase decomposition instead of dilating dy with zeros, which would
 * waste (s^2 - 1)/s^2 of the work): write i + pt = s*q + r with phase r in [0, s). Then
 * k = i + pt - o*s = s*(q - o) + r, so with m = q - o:
 *   dx[s*q + r - pt] = sum_{m=0}^{M-1} dy[q - m] * W[s*m + r],   M = ceil(K / s).
 * For every phase this is a stride-1 correlation of dy with the M-tap filter G_r[t] =
 * W[s*(M-1-t) + r] (zero past K). All s*s phases are computed in ONE Conv2D whose output
 * channels are (rh*s + rw)*Ci + ci, which is exactly DepthToSpace's channel order; DepthToSpace
 * then interleaves the phases into rows/columns, and a Slice drops the pt mod s leading rows
 * (and any excess at the end). Only rows q >= q0 = floor(pt / s) are computed.
 */
export function conv2DBackpropInput(args: KernelArgs): TensorInfo {
  const backend = args.backend;
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = readKernelAttrs<tf.Conv2DBackpropInputAttrs>(args.attrs);
  const { n, h, w, ci, co, ho, wo, sh, sw, kh, kw, pt, pl } = convGeometry(attrs.inputShape, filter.shape, attrs, "Conv2DBackpropInput");
  if (dy.shape[1] !== ho || dy.shape[2] !== wo)
    throw new Error(`Conv2DBackpropInput: dy shape ${dy.shape} does not match the forward output [${n},${ho},${wo},${co}]`);

  return composite(backend, (c) => {
    if (sh === 1 && sw === 1) {
      // F[t_h, t_w, co, ci] = W[Kh-1-t_h, Kw-1-t_w, ci, co]
      const flipped = c.run("Reverse", { x: filter }, { dims: [0, 1] });
      const f = c.transpose(flipped, [0, 1, 3, 2]);
      // Padded dy must hold top + Ho + bottom = H + Kh - 1 rows for H output rows.
      const top = kh - 1 - pt;
      const left = kw - 1 - pl;
      return convWithPads(c, dy, f, top, h + kh - 1 - top - ho, left, w + kw - 1 - left - wo);
    }

    const mh = Math.ceil(kh / sh);
    const mw = Math.ceil(kw / sw);
    // Phase filter [Mh, Mw, Co, sh*sw*Ci] from W [Kh, Kw, Ci, Co]:
    //   pad W with zero taps to [sh*Mh, sw*Mw, Ci, Co]; tap kh = m*sh + rh;
    //   reshape [Mh, sh, Mw, sw, Ci*Co] -> transpose to [Mh, Mw, sh, sw, Ci*Co]
    //   -> reshape [Mh, Mw, sh*sw*Ci, Co] -> reverse taps (t = M-1-m) -> swap in/out channels.
    let wp = filter;
    if (sh * mh !== kh || sw * mw !== kw) {
      wp = c.run(
        "PadV2",
        { x: filter },
        {
          paddings: [
            [0, sh * mh - kh],
            [0, sw * mw - kw],
            [0, 0],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
    }
    const w5 = c.reshape(wp, [mh, sh, mw, sw, ci * co]);
    const wph = c.transpose(w5, [0, 2, 1, 3, 4]);
    const w4 = c.reshape(wph, [mh, mw, sh * sw * ci, co]);
    const wrev = mh > 1 || mw > 1 ? c.run("Reverse", { x: w4 }, { dims: [0, 1] }) : w4;
    const f = c.transpose(wrev, [0, 1, 3, 2]); // [Mh, Mw, Co, sh*sw*Ci]

    const q0h = Math.floor(pt / sh);
    const q0w = Math.floor(pl / sw);
    const qh = Math.ceil((h + pt) / sh); // phase rows needed: q in [q0h, qh)
    const qw = Math.ceil((w + pl) / sw);
    const z = convWithPads(c, dy, f, mh - 1 - q0h, qh - ho, mw - 1 - q0w, qw - wo); // [N, qh-q0h, qw-q0w, sh*sw*Ci]

    let d: TensorInfo;
    if (sh === sw) {
      d = c.run("DepthToSpace", { x: z }, { blockSize: sh, dataFormat: "NHWC" });
    } else {
      // DepthToSpace needs a square block: interleave by hand (reshape + transpose).
      const z6 = c.reshape(z, [n, qh - q0h, qw - q0w, sh, sw, ci]);
      const zt = c.transpose(z6, [0, 1, 3, 2, 4, 5]);
      d = c.reshape(zt, [n, (qh - q0h) * sh, (qw - q0w) * sw, ci]);
    }
    const r0h = pt - sh * q0h;
    const r0w = pl - sw * q0w;
    if (r0h === 0 && r0w === 0 && d.shape[1] === h && d.shape[2] === w) return d;
    return c.slice(d, [0, r0h, r0w, 0], [n, h, w, ci]);
  });
}

/** Stride-1 conv with explicit pads, where a negative pad (explicit padding larger than the filter) crops the input. */
function convWithPads(c: Composer, x: TensorInfo, f: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
  let input = x;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, hh, ww, ch] = x.shape;
    const b = [0, Math.max(-top, 0), Math.max(-left, 0), 0];
    input = c.slice(x, b, [n, hh - b[1] - Math.max(-bottom, 0), ww - b[2] - Math.max(-right, 0), ch]);
  }
  return c.conv2d(input, f, [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ]);
}
