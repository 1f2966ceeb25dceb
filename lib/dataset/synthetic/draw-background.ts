/**
 * The backdrop: a linear gradient between two colours, a few soft out-of-focus blobs (lamps,
 * other people, foliage at a red-carpet event) and optional mottled texture. Real CelebA
 * backgrounds are anything at all, so they are varied widely and never tied to a label.
 */
import * as raster from "./raster";
import type { Canvas } from "./raster";
import type { PortraitPlan } from "./plan-portrait";

// Bound once: under tsx (CommonJS output) each call through an import binding goes through a
// getter, which showed up at several percent of the render time.
const { smoothNoise } = raster;

export function drawBackground(cv: Canvas, plan: PortraitPlan): void {
  const { c0, c1, angle, blobs, texture } = plan.background;
  const gx = Math.cos(angle);
  const gy = Math.sin(angle);
  const half = Math.abs(gx) * cv.w * 0.5 + Math.abs(gy) * cv.h * 0.5;
  const d = cv.rgb;
  const dt = gx / (2 * half);
  for (let y = 0, p = 0; y < cv.h; y++) {
    // The gradient parameter is linear in x: step it instead of recomputing per pixel.
    let t = 0.5 + ((0.5 - cv.w / 2) * gx + (y + 0.5 - cv.h / 2) * gy) / (2 * half);
    for (let x = 0; x < cv.w; x++, p++, t += dt) {
      let r = c0[0] + (c1[0] - c0[0]) * t;
      let g = c0[1] + (c1[1] - c0[1]) * t;
      let b = c0[2] + (c1[2] - c0[2]) * t;
      if (texture > 0) {
        const n = 1 + texture * (smoothNoise(x * 0.35, y * 0.35) - 0.5) * 2;
        r *= n;
        g *= n;
        b *= n;
      }
      d[p * 3] = r;
      d[p * 3 + 1] = g;
      d[p * 3 + 2] = b;
    }
  }
  for (const blob of blobs) {
    const r2 = blob.r * blob.r;
    const x0 = Math.max(0, Math.floor(blob.x - blob.r)),
      x1 = Math.min(cv.w, Math.ceil(blob.x + blob.r));
    const y0 = Math.max(0, Math.floor(blob.y - blob.r)),
      y1 = Math.min(cv.h, Math.ceil(blob.y + blob.r));
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        const dx = x + 0.5 - blob.x,
          dy = y + 0.5 - blob.y;
        const q = 1 - (dx * dx + dy * dy) / r2;
        // (1 - d^2/r^2)^2: a Gaussian-looking falloff without an exp per pixel.
        if (q > 0) cv.blend(y * cv.w + x, blob.color[0], blob.color[1], blob.color[2], blob.a * q * q);
      }
  }
}
