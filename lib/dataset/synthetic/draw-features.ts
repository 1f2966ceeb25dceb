/**
 * Eyes, eyebrows, mouth, beard, earrings and glasses. Several carry gender cues on purpose,
 * none of them decisive: beards and stubble (most men, a few women), thick low eyebrows, lipstick
 * and eye make-up, earrings. At 84 x 108 an eye is about 6 x 3 pixels, so these are drawn as
 * shaded blobs rather than detailed shapes.
 */
import * as raster from "./raster";
import type { Canvas } from "./raster";
import type { PortraitPlan } from "./plan-portrait";
import * as head from "./head-geometry";
import type { HeadGeometry } from "./head-geometry";

// Bound once: under tsx (CommonJS output) each call through an import binding goes through a
// getter, which showed up at several percent of the render time.
const { cover, fineNoise } = raster;
const { faceDist } = head;

export function drawBrows(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const { brows, eyes, light } = plan;
  const s = cv.scale;
  const U = cv.U,
    V = cv.V;
  const c = brows.color;
  const k = light.ambient + 0.4;
  for (let side = -1; side <= 1; side += 2) {
    const bx = g.featureShift + side * (eyes.spacing + 0.03);
    const len = brows.len * (1 + side * plan.pose.yaw * 0.25);
    const b = cv.bbox(bx - len - 0.1, brows.v - 0.25, bx + len + 0.1, brows.v + 0.2);
    for (let y = b[1]; y < b[3]; y++)
      for (let x = b[0]; x < b[2]; x++) {
        const p = y * cv.w + x;
        const along = (U[p] - bx) * side;
        const t = along / len;
        const vc = brows.v - brows.arch * (1 - t * t) + brows.slant * along;
        const th = brows.thick * (1 - 0.4 * Math.max(0, t));
        const a = cover(Math.max(Math.abs(V[p] - vc) - th / 2, Math.abs(along) - len) * s);
        if (a <= 0) continue;
        const n = 0.75 + 0.5 * fineNoise(U[p] * 14, V[p] * 30);
        cv.blend(p, c[0] * k * n, c[1] * k * n, c[2] * k * n, a * 0.9);
      }
  }
}

export function drawEyes(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const { eyes, light } = plan;
  const s = cv.scale;
  const U = cv.U,
    V = cv.V;
  const k = light.ambient + 0.35;
  for (let side = -1; side <= 1; side += 2) {
    const ex = g.featureShift + side * eyes.spacing;
    const w = eyes.w * (1 + side * plan.pose.yaw * 0.3);
    const h = eyes.h;
    const irisX = ex + plan.pose.yaw * 0.35 * w;
    const b = cv.bbox(ex - w - 0.08, eyes.v - h * 3.2, ex + w + 0.08, eyes.v + h * 1.6);
    for (let y = b[1]; y < b[3]; y++)
      for (let x = b[0]; x < b[2]; x++) {
        const p = y * cv.w + x;
        const u = U[p],
          v = V[p];
        // Eye shadow (make-up) on the lid above the eye.
        if (eyes.shadow > 0) {
          const sx = (u - ex) / (w * 1.2),
            sy = (v - eyes.v + h * 1.3) / (h * 1.9);
          const q = 1 - sx * sx - sy * sy;
          if (q > 0)
            cv.blend(p, eyes.shadowColor[0] * k, eyes.shadowColor[1] * k, eyes.shadowColor[2] * k, eyes.shadow * Math.min(1, q * 2));
        }
        const fx = (u - ex) / w,
          fy = (v - eyes.v) / (v < eyes.v ? h * 1.15 : h);
        const r = Math.sqrt(fx * fx + fy * fy);
        const dEdge = (r - 1) * h;
        const a = cover(dEdge * s);
        // Upper lid line and lashes: dark, heavier with eyeliner.
        const lid = fy < 0.3 ? cover((Math.abs(r - 1) * h - 0.012 - 0.02 * eyes.liner) * s) : 0;
        if (a > 0) {
          const ix = u - irisX,
            iy = v - eyes.v;
          const ir = Math.sqrt(ix * ix + iy * iy);
          const irisA = cover((ir - h * 0.95) * s);
          let cr = 0.8 * k,
            cg = 0.77 * k,
            cb = 0.75 * k;
          if (irisA > 0) {
            const pupil = ir < h * 0.4 ? 0.35 : 1;
            cr += (eyes.iris[0] * pupil * k - cr) * irisA;
            cg += (eyes.iris[1] * pupil * k - cg) * irisA;
            cb += (eyes.iris[2] * pupil * k - cb) * irisA;
          }
          cv.blend(p, cr, cg, cb, a);
        }
        if (lid > 0) cv.blend(p, 0.06, 0.05, 0.05, lid * (0.55 + 0.4 * eyes.liner));
      }
  }
}

export function drawMouth(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const { mouth, light } = plan;
  const s = cv.scale;
  const U = cv.U,
    V = cv.V;
  const mx0 = g.featureShift * 1.1;
  const w = mouth.w * (1 - Math.abs(plan.pose.yaw) * 0.2);
  const k = (light.ambient + (1 - light.ambient) * light.z) * light.fill;
  const gapH = mouth.open * mouth.h * 0.9;
  const b = cv.bbox(mx0 - w - 0.1, mouth.v - mouth.smile - mouth.h * 2 - gapH, mx0 + w + 0.1, mouth.v + mouth.h * 2 + gapH);
  for (let y = b[1]; y < b[3]; y++)
    for (let x = b[0]; x < b[2]; x++) {
      const p = y * cv.w + x;
      const u = U[p],
        v = V[p];
      const mx = (u - mx0) / w;
      const env = Math.sqrt(Math.max(0, 1 - mx * mx));
      const line = mouth.v - mouth.smile * mx * mx;
      const gap = gapH * env;
      const upper = line - gap / 2 - mouth.h * 0.85 * env;
      const lower = line + gap / 2 + mouth.h * 1.15 * env;
      const a = cover(Math.max(upper - v, v - lower, (Math.abs(mx) - 1) * w) * s);
      if (a <= 0) continue;
      const isLower = v > line;
      const kk = k * (isLower ? 1.08 : 0.88);
      let r = mouth.color[0] * kk,
        gg = mouth.color[1] * kk,
        bb = mouth.color[2] * kk;
      if (gap > 0) {
        const inGap = cover((Math.abs(v - line) - gap / 2) * s);
        const teeth = Math.abs(mx) < 0.75 ? 0.82 : 0.25;
        r += (teeth * k - r) * inGap;
        gg += (teeth * 0.97 * k - gg) * inGap;
        bb += (teeth * 0.92 * k - bb) * inGap;
      } else {
        // The line between the lips.
        const q = Math.max(0, 1 - (Math.abs(v - line) * s) / 0.9);
        r *= 1 - 0.55 * q;
        gg *= 1 - 0.6 * q;
        bb *= 1 - 0.6 * q;
      }
      cv.blend(p, r, gg, bb, a);
    }
}

export function drawBeard(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const { beard, mouth, nose, face, light } = plan;
  if (beard.kind === "none") return;
  const s = cv.scale;
  const U = cv.U,
    V = cv.V;
  const du = g.featureShift * 0.8;
  const extend = beard.kind === "full" ? 0.12 : beard.kind === "goatee" ? 0.06 : 0;
  const b = cv.bbox(-1.2, -0.2, 1.2, face.chin + 0.25);
  const stache0 = nose.len + 0.09;
  const k = light.ambient + 0.4;
  for (let y = b[1]; y < b[3]; y++)
    for (let x = b[0]; x < b[2]; x++) {
      const p = y * cv.w + x;
      const u = U[p],
        v = V[p];
      const fu = Math.abs(u - du);
      const inFace = faceDist(u, v, plan, g) - extend;
      if (inFace > 0.05) continue;
      // Lips stay bare.
      const lx = (u - g.featureShift * 1.1) / (mouth.w + 0.02),
        ly = (v - mouth.v) / (mouth.h * 1.4 + 0.02);
      const onLips = lx * lx + ly * ly < 1;
      let dRegion: number;
      if (beard.kind === "full" || beard.kind === "stubble") {
        const btop = fu < 0.4 ? stache0 : Math.max(-0.1, stache0 + 0.05 - ((fu - 0.4) / 0.5) * (stache0 + 0.15));
        dRegion = Math.max(btop - v, inFace);
      } else {
        const stache = Math.max(stache0 - v, v - (mouth.v - mouth.h * 0.5), fu - mouth.w - 0.06);
        const goatee = beard.kind === "goatee" ? Math.max(fu - 0.34, mouth.v + mouth.h + 0.04 - v, inFace) : 1;
        dRegion = Math.min(stache, goatee);
      }
      let a = cover(dRegion * s) * beard.alpha;
      if (a <= 0 || onLips) continue;
      const n = fineNoise(u * 16 + 11, v * 16 + 5);
      if (beard.kind === "stubble") a *= 0.4 + 0.9 * n;
      const kk = k * (0.75 + 0.5 * n);
      cv.blend(p, beard.color[0] * kk, beard.color[1] * kk, beard.color[2] * kk, Math.min(1, a));
    }
}

export function drawEarrings(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const c = plan.ears.earring;
  if (!c || !plan.ears.visible) return;
  const s = cv.scale;
  const U = cv.U,
    V = cv.V;
  for (let side = -1; side <= 1; side += 2) {
    const eu = side * ((side < 0 ? g.ruL : g.ruR) + 0.03),
      ev = 0.25;
    const b = cv.bbox(eu - 0.1, ev - 0.1, eu + 0.1, ev + 0.1);
    for (let y = b[1]; y < b[3]; y++)
      for (let x = b[0]; x < b[2]; x++) {
        const p = y * cv.w + x;
        const dx = U[p] - eu,
          dy = V[p] - ev;
        const a = cover((Math.sqrt(dx * dx + dy * dy) - 0.055) * s);
        const hl = dx < 0 && dy < 0 ? 1.15 : 0.85;
        cv.blend(p, c[0] * hl, c[1] * hl, c[2] * hl, a);
      }
  }
}

export function drawGlasses(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const { glasses, eyes } = plan;
  if (glasses.kind === "none") return;
  const s = cv.scale;
  const U = cv.U,
    V = cv.V;
  const hx = 0.25,
    hy = 0.16,
    rr = 0.07,
    th = glasses.kind === "sun" ? 0.05 : 0.035;
  const c = glasses.color;
  const b = cv.bbox(g.featureShift - eyes.spacing - 0.35, eyes.v - 0.25, g.featureShift + eyes.spacing + 0.35, eyes.v + 0.25);
  for (let y = b[1]; y < b[3]; y++)
    for (let x = b[0]; x < b[2]; x++) {
      const p = y * cv.w + x;
      const u = U[p],
        v = V[p];
      let dLens = Infinity;
      for (let side = -1; side <= 1; side += 2) {
        const qx = Math.abs(u - g.featureShift - side * eyes.spacing) - hx + rr;
        const qy = Math.abs(v - eyes.v + 0.01) - hy + rr;
        const ox = Math.max(qx, 0),
          oy = Math.max(qy, 0);
        const d = Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - rr;
        if (d < dLens) dLens = d;
      }
      const bridge = Math.max(Math.abs(v - eyes.v + 0.05) - th / 2, Math.abs(u - g.featureShift) - (eyes.spacing - hx) - 0.02);
      if (glasses.kind === "sun" && dLens < 0.5 / s) {
        const hl = v < eyes.v - 0.06 && u - g.featureShift < 0 ? 0.12 : 0.03;
        cv.blend(p, 0.04 + hl, 0.04 + hl, 0.05 + hl, cover(dLens * s) * 0.93);
      } else if (dLens < 0) cv.blend(p, 0.9, 0.95, 1, 0.08);
      const frame = cover(Math.min(Math.abs(dLens) - th / 2, bridge) * s);
      if (frame > 0) cv.blend(p, c[0], c[1], c[2], frame);
    }
}
