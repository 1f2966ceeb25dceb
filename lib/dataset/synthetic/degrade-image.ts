/**
 * Camera and pipeline damage applied to a rendered portrait: lens blur, JPEG compression, then
 * in one final pass exposure / white balance / contrast / saturation (and the occasional
 * black-and-white picture), vignetting, sensor noise and 8-bit quantisation. (The tone changes
 * come last only to save a pass over the pixels; blur and JPEG are close to linear, so the
 * order hardly shows.)
 *
 * The JPEG step is a real baseline-JPEG round trip done here (YCbCr, 4:2:0 chroma subsampling,
 * 8 x 8 DCT, the standard IJG quantisation tables scaled by quality) instead of through sharp:
 * same blocking and ringing artefacts, no native call per image, and bit-for-bit reproducible
 * anywhere since it is plain JavaScript arithmetic.
 */
import type { PortraitPlan } from "./plan-portrait";
import { Rng } from "./prng";

const W_MAX = 128;

export function degradeImage(rgb: Float32Array, w: number, h: number, post: PortraitPlan["post"], rng: Rng, out: Uint8Array): void {
  if (post.blur > 0.05) gaussianBlur(rgb, w, h, post.blur);
  if (post.jpegQuality > 0) jpegRoundTrip(rgb, w, h, post.jpegQuality);
  finish(rgb, w, h, post, rng, out);
}

const blurLine = new Float32Array((W_MAX + 16) * 3);

/**
 * Separable Gaussian blur with clamped edges, in place: each row, then each column, is copied
 * into a padded line so the convolution loop needs no edge tests. Three taps below sigma 0.8,
 * five above (the clipped tail is renormalised away; at this size the difference is invisible).
 */
function gaussianBlur(rgb: Float32Array, w: number, h: number, sigma: number): void {
  const rad = sigma < 0.8 ? 1 : 2;
  const taps = rad * 2 + 1;
  const kernel = new Float32Array(taps);
  let sum = 0;
  for (let i = -rad; i <= rad; i++) sum += kernel[i + rad] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < taps; i++) kernel[i] /= sum;
  blurPass(rgb, w, h, 3, w * 3, kernel, rad);
  blurPass(rgb, h, w, w * 3, 3, kernel, rad);
}

/** Convolves `lines` lines of `len` pixels each (pixel step `step`, line step `lineStep`, in floats). */
function blurPass(img: Float32Array, len: number, lines: number, step: number, lineStep: number, kernel: Float32Array, rad: number): void {
  const taps = kernel.length;
  const line = blurLine;
  for (let l = 0; l < lines; l++) {
    const base = l * lineStep;
    for (let i = -rad; i < len + rad; i++) {
      const j = base + (i < 0 ? 0 : i >= len ? len - 1 : i) * step;
      const o = (i + rad) * 3;
      line[o] = img[j];
      line[o + 1] = img[j + 1];
      line[o + 2] = img[j + 2];
    }
    for (let i = 0; i < len; i++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let k = 0, o = i * 3; k < taps; k++, o += 3) {
        const wt = kernel[k];
        r += line[o] * wt;
        g += line[o + 1] * wt;
        b += line[o + 2] * wt;
      }
      const j = base + i * step;
      img[j] = r;
      img[j + 1] = g;
      img[j + 2] = b;
    }
  }
}

// Standard JPEG (Annex K) quantisation tables, in natural (row-major) order.
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22,
  37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/** IJG quality scaling: quality 50 uses the tables as they are. */
function scaledTable(base: number[], quality: number): Float32Array {
  const q = Math.max(1, Math.min(100, quality));
  const scale = q < 50 ? 5000 / q : 200 - q * 2;
  const t = new Float32Array(64);
  for (let i = 0; i < 64; i++) t[i] = Math.max(1, Math.min(255, Math.floor((base[i] * scale + 50) / 100)));
  return t;
}

// Orthonormal 8-point DCT-II constants: C[k] = c(k) cos(k pi / 16), c(0) = 1/sqrt(8), else 1/2.
const C1 = 0.5 * Math.cos(Math.PI / 16),
  C2 = 0.5 * Math.cos((2 * Math.PI) / 16),
  C3 = 0.5 * Math.cos((3 * Math.PI) / 16);
const C4 = 0.5 * Math.cos((4 * Math.PI) / 16),
  C5 = 0.5 * Math.cos((5 * Math.PI) / 16),
  C6 = 0.5 * Math.cos((6 * Math.PI) / 16);
const C7 = 0.5 * Math.cos((7 * Math.PI) / 16);

/**
 * One 8-point DCT (inverse = false) or inverse DCT on a[o], a[o + step], ... in place. The
 * even/odd split halves the multiplications of the plain 8 x 8 matrix product.
 */
function dct8(a: Float32Array, o: number, step: number, inverse: boolean): void {
  const x0 = a[o],
    x1 = a[o + step],
    x2 = a[o + 2 * step],
    x3 = a[o + 3 * step];
  const x4 = a[o + 4 * step],
    x5 = a[o + 5 * step],
    x6 = a[o + 6 * step],
    x7 = a[o + 7 * step];
  if (!inverse) {
    const s0 = x0 + x7,
      s1 = x1 + x6,
      s2 = x2 + x5,
      s3 = x3 + x4;
    const d0 = x0 - x7,
      d1 = x1 - x6,
      d2 = x2 - x5,
      d3 = x3 - x4;
    const e0 = s0 + s3,
      e1 = s1 + s2,
      f0 = s0 - s3,
      f1 = s1 - s2;
    a[o] = C4 * (e0 + e1);
    a[o + 4 * step] = C4 * (e0 - e1);
    a[o + 2 * step] = C2 * f0 + C6 * f1;
    a[o + 6 * step] = C6 * f0 - C2 * f1;
    a[o + step] = C1 * d0 + C3 * d1 + C5 * d2 + C7 * d3;
    a[o + 3 * step] = C3 * d0 - C7 * d1 - C1 * d2 - C5 * d3;
    a[o + 5 * step] = C5 * d0 - C1 * d1 + C7 * d2 + C3 * d3;
    a[o + 7 * step] = C7 * d0 - C5 * d1 + C3 * d2 - C1 * d3;
  } else {
    const e0 = C4 * (x0 + x4),
      e1 = C4 * (x0 - x4);
    const f0 = C2 * x2 + C6 * x6,
      f1 = C6 * x2 - C2 * x6;
    const s0 = e0 + f0,
      s3 = e0 - f0,
      s1 = e1 + f1,
      s2 = e1 - f1;
    const d0 = C1 * x1 + C3 * x3 + C5 * x5 + C7 * x7;
    const d1 = C3 * x1 - C7 * x3 - C1 * x5 - C5 * x7;
    const d2 = C5 * x1 - C1 * x3 + C7 * x5 + C3 * x7;
    const d3 = C7 * x1 - C5 * x3 + C3 * x5 - C1 * x7;
    a[o] = s0 + d0;
    a[o + 7 * step] = s0 - d0;
    a[o + step] = s1 + d1;
    a[o + 6 * step] = s1 - d1;
    a[o + 2 * step] = s2 + d2;
    a[o + 5 * step] = s2 - d2;
    a[o + 3 * step] = s3 + d3;
    a[o + 4 * step] = s3 - d3;
  }
}

const tableCache = new Map<number, [Float32Array, Float32Array]>();
const planeY = new Float32Array(W_MAX * W_MAX);
const planeCb = new Float32Array((W_MAX / 2) * (W_MAX / 2));
const planeCr = new Float32Array((W_MAX / 2) * (W_MAX / 2));
const blk = new Float32Array(64);

/** Quantises one 8 x 8 block of a plane in place (forward DCT, quantise, inverse DCT). */
function codeBlock(plane: Float32Array, stride: number, bx: number, by: number, q: Float32Array): void {
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) blk[y * 8 + x] = plane[(by + y) * stride + bx + x] - 128;
  for (let i = 0; i < 8; i++) dct8(blk, i * 8, 1, false);
  for (let i = 0; i < 8; i++) dct8(blk, i, 8, false);
  // floor(x + 0.5), not Math.round: the latter measured 5x slower here.
  for (let i = 0; i < 64; i++) blk[i] = Math.floor(blk[i] / q[i] + 0.5) * q[i];
  for (let i = 0; i < 8; i++) dct8(blk, i, 8, true);
  for (let i = 0; i < 8; i++) dct8(blk, i * 8, 1, true);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) plane[(by + y) * stride + bx + x] = blk[y * 8 + x] + 128;
}

const fullCb = new Float32Array(W_MAX * W_MAX);
const fullCr = new Float32Array(W_MAX * W_MAX);

function jpegRoundTrip(rgb: Float32Array, w: number, h: number, quality: number): void {
  let tables = tableCache.get(quality);
  if (!tables) tableCache.set(quality, (tables = [scaledTable(LUMA_Q, quality), scaledTable(CHROMA_Q, quality)]));
  const [qy, qc] = tables;
  // Planes padded to whole blocks (16 px for luma so chroma is whole 8 px blocks) by edge copy.
  const pw = Math.ceil(w / 16) * 16,
    ph = Math.ceil(h / 16) * 16;
  const cw = pw / 2,
    ch = ph / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 3;
      const r = rgb[o] * 255,
        g = rgb[o + 1] * 255,
        b = rgb[o + 2] * 255;
      const i = y * pw + x;
      planeY[i] = 0.299 * r + 0.587 * g + 0.114 * b;
      fullCb[i] = -0.168736 * r - 0.331264 * g + 0.5 * b;
      fullCr[i] = 0.5 * r - 0.418688 * g - 0.081312 * b;
    }
    for (let x = w; x < pw; x++) {
      const i = y * pw + x,
        last = y * pw + w - 1;
      planeY[i] = planeY[last];
      fullCb[i] = fullCb[last];
      fullCr[i] = fullCr[last];
    }
  }
  for (let y = h; y < ph; y++) {
    planeY.copyWithin(y * pw, (h - 1) * pw, h * pw);
    fullCb.copyWithin(y * pw, (h - 1) * pw, h * pw);
    fullCr.copyWithin(y * pw, (h - 1) * pw, h * pw);
  }
  // 4:2:0: chroma averaged over 2 x 2 pixels.
  for (let y = 0; y < ch; y++)
    for (let x = 0; x < cw; x++) {
      const i = y * 2 * pw + x * 2;
      planeCb[y * cw + x] = (fullCb[i] + fullCb[i + 1] + fullCb[i + pw] + fullCb[i + pw + 1]) * 0.25 + 128;
      planeCr[y * cw + x] = (fullCr[i] + fullCr[i + 1] + fullCr[i + pw] + fullCr[i + pw + 1]) * 0.25 + 128;
    }
  for (let by = 0; by < ph; by += 8) for (let bx = 0; bx < pw; bx += 8) codeBlock(planeY, pw, bx, by, qy);
  for (let by = 0; by < ch; by += 8)
    for (let bx = 0; bx < cw; bx += 8) {
      codeBlock(planeCb, cw, bx, by, qc);
      codeBlock(planeCr, cw, bx, by, qc);
    }
  const k = 1 / 255;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const yy = planeY[y * pw + x];
      const ci = (y >> 1) * cw + (x >> 1);
      const cb = planeCb[ci] - 128,
        cr = planeCr[ci] - 128;
      const o = (y * w + x) * 3;
      rgb[o] = (yy + 1.402 * cr) * k;
      rgb[o + 1] = (yy - 0.344136 * cb - 0.714136 * cr) * k;
      rgb[o + 2] = (yy + 1.772 * cb) * k;
    }
}

// Normal deviates looked up by random index: a Box-Muller per channel would dominate the cost.
const NORMALS = (() => {
  const rng = new Rng(0x90155, 7);
  const t = new Float32Array(4096);
  for (let i = 0; i < t.length; i++) t[i] = rng.normal();
  return t;
})();

function finish(rgb: Float32Array, w: number, h: number, post: PortraitPlan["post"], rng: Rng, out: Uint8Array): void {
  const { exposure, contrast, saturation, cast, grayscale, vignette } = post;
  // Everything per channel folded into: out = ((l + (c - l) * sat) - 0.5) * contrast + 0.5, scaled.
  const cr = exposure * cast[0],
    cg = exposure * cast[1],
    cb = exposure * cast[2];
  const sat = grayscale ? 0 : saturation;
  const cx = w / 2,
    cy = h / 2,
    vnorm = vignette / (cx * cx + cy * cy);
  // A clamped view rounds and clamps on assignment, several times faster than Math.round.
  const dst = new Uint8ClampedArray(out.buffer, out.byteOffset, w * h * 3);
  const amp = post.noise * 255;
  const half = amp * 0.5;
  // xorshift32 seeded from the image's stream: a method call per sample would cost more than
  // the rest of this function.
  let st = rng.nextUint32() | 1;
  for (let y = 0, o = 0; y < h; y++) {
    const dy = y + 0.5 - cy;
    for (let x = 0; x < w; x++, o += 3) {
      const r = rgb[o] * cr,
        g = rgb[o + 1] * cg,
        b = rgb[o + 2] * cb;
      const l = 0.299 * r + 0.587 * g + 0.114 * b;
      let k = 255 * contrast;
      if (vnorm > 0) {
        const dx = x + 0.5 - cx;
        k *= 1 - vnorm * (dx * dx + dy * dy);
      }
      const off = (0.5 - 0.5 * contrast) * 255;
      let vr = (l + (r - l) * sat) * k + off;
      let vg = (l + (g - l) * sat) * k + off;
      let vb = (l + (b - l) * sat) * k + off;
      if (amp > 0) {
        // Sensor noise: mostly shared across channels (luma), partly per channel (chroma).
        st ^= st << 13;
        st ^= st >>> 17;
        st ^= st << 5;
        const luma = NORMALS[st & 4095] * amp;
        vr += luma + NORMALS[(st >>> 12) & 4095] * half;
        st ^= st << 13;
        st ^= st >>> 17;
        st ^= st << 5;
        vg += luma + NORMALS[st & 4095] * half;
        vb += luma + NORMALS[(st >>> 12) & 4095] * half;
      }
      dst[o] = vr;
      dst[o + 1] = vg;
      dst[o + 2] = vb;
    }
  }
}
