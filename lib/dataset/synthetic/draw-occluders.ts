/**
 * Things that hide the hair and so justify an `n/a` label: hats of several kinds, a hand on the
 * head, a hard shadow. (Cropping the hair out of frame is done by the pose, colour casts by the
 * post-processing.) Their colours and shapes are unrelated to the hidden attributes, so a model
 * cannot read the label off the occluder itself.
 */
import * as raster from "./raster";
import type { Canvas } from "./raster";
import type { PortraitPlan } from "./plan-portrait";
import * as head from "./head-geometry";
import type { HeadGeometry } from "./head-geometry";

// Bound once: under tsx (CommonJS output) each call through an import binding goes through a
// getter, which showed up at several percent of the render time.
const { clamp01, cover, ellipseDist, smoothstep, fastSin } = raster;
const { SKULL_CY } = head;

function litShade(plan: PortraitPlan, nx: number, ny: number): number {
  const nz = Math.sqrt(Math.max(0.05, 1 - nx * nx - ny * ny));
  const { x, y, z, ambient } = plan.light;
  return ambient + (1 - ambient) * Math.max(0, nx * x + ny * y + nz * z);
}

export function drawHat(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const hat = plan.hat;
  if (hat.kind === "none") return;
  const s = cv.scale;
  const U = cv.U,
    V = cv.V;
  const c = hat.color,
    c2 = hat.color2;
  const rx = g.skullRx + 0.1,
    ry = g.skullRy + 0.1 + hat.height * 0.5;
  const bottom = hat.bottom;

  if (hat.kind === "cap") {
    // Shadow of the brim on the face first, then crown and brim.
    const b0 = cv.bbox(-1.3, bottom - 0.1, 1.3, bottom + 0.6);
    for (let y = b0[1]; y < b0[3]; y++)
      for (let x = b0[0]; x < b0[2]; x++) {
        const p = y * cv.w + x;
        const t = smoothstep(bottom + 0.55, bottom + 0.05, V[p]) * (Math.abs(U[p]) < 1.1 ? 1 : 0);
        if (t > 0) cv.multiply(p, 0.55, 0.55, 0.58, t);
      }
  }

  const top = SKULL_CY - ry - (hat.kind === "hat" ? 0.3 : 0);
  const wide = hat.kind === "hat" ? 1.9 : hat.kind === "hood" ? 1.7 : 1.3;
  const b = cv.bbox(-wide, top - 0.1, wide, hat.kind === "hood" ? plan.body.top + 1 : bottom + 0.4);
  for (let y = b[1]; y < b[3]; y++)
    for (let x = b[0]; x < b[2]; x++) {
      const p = y * cv.w + x;
      const u = U[p],
        v = V[p];
      let a = 0;
      let r = 0,
        gg = 0,
        bb = 0;
      if (hat.kind === "hood") {
        const outer = ellipseDist(u, v, 0, 0.05, 1.6, 2.35);
        const opening = ellipseDist(u, v, g.featureShift * 0.5, 0.12, 1.0, 1.38);
        a = cover(Math.max(outer, -opening, v - plan.body.top - 0.9) * s);
        if (a <= 0) continue;
        // Inside of the hood near the face is in shadow.
        const k =
          litShade(plan, clamp01(Math.abs(u) / 1.7) * Math.sign(u), clamp01((v + 0.5) / 2.4) - 0.4) *
          (0.55 + 0.45 * smoothstep(0, 0.25, opening));
        r = c[0] * k;
        gg = c[1] * k;
        bb = c[2] * k;
      } else if (hat.kind === "hat") {
        const crownTop = bottom - 1.05 - hat.height;
        const half = 0.95 - 0.12 * clamp01((bottom - v) / (bottom - crownTop));
        const dCrown = Math.max(Math.abs(u) - half, crownTop + 0.08 * fastSin(u * 3 + 1.5708) - v, v - bottom);
        const dBrim = ellipseDist(u, v, g.featureShift * 0.3, bottom, 1.8, 0.16 + hat.brim * 0.3);
        const aC = cover(dCrown * s),
          aB = cover(dBrim * s);
        a = Math.max(aC, aB);
        if (a <= 0) continue;
        const band = aC > 0 && v > bottom - 0.24 ? 1 : 0;
        const k = litShade(plan, clamp01(Math.abs(u) / 1.1) * Math.sign(u), -0.2) * (aB > aC ? 0.8 : 1);
        const cc = band ? c2 : c;
        r = cc[0] * k;
        gg = cc[1] * k;
        bb = cc[2] * k;
      } else {
        // Cap or beanie: a dome over the skull ending at `bottom`.
        const dDome = Math.max(ellipseDist(u, v, 0, SKULL_CY - 0.05, rx, ry), v - bottom);
        let dBrim = Infinity;
        if (hat.kind === "cap") dBrim = ellipseDist(u, v, g.featureShift * 0.8, bottom + hat.brim * 0.25, 0.95, hat.brim);
        const aD = cover(dDome * s),
          aB = cover(dBrim * s);
        a = Math.max(aD, aB);
        if (a <= 0) continue;
        let k = litShade(plan, clamp01(Math.abs(u) / rx) * Math.sign(u), clamp01((v - SKULL_CY) / ry + 1) - 1);
        let cc = c;
        if (hat.kind === "beanie") {
          k *= 0.85 + 0.15 * fastSin(u * 30);
          if (v > bottom - 0.3) cc = c2;
        } else {
          if (aB > aD) k *= 0.75;
          if (Math.abs(u - g.featureShift * 0.5) < 0.03) k *= 0.8;
        }
        r = cc[0] * k;
        gg = cc[1] * k;
        bb = cc[2] * k;
      }
      cv.blend(p, r, gg, bb, a);
    }
}

/** Distance from (x, y) to the segment a-b minus radius: a capsule (finger, thumb, forearm). */
function capsule(x: number, y: number, ax: number, ay: number, bx: number, by: number, rad: number): number {
  const px = x - ax,
    py = y - ay,
    ex = bx - ax,
    ey = by - ay;
  const t = clamp01((px * ex + py * ey) / (ex * ex + ey * ey));
  const dx = px - ex * t,
    dy = py - ey * t;
  return Math.sqrt(dx * dx + dy * dy) - rad;
}

/** Finger x position and length in hand units (index to little finger), flattened. */
const FINGERS = [-0.3, 0.55, -0.1, 0.66, 0.1, 0.62, 0.29, 0.5];

export function drawHand(cv: Canvas, plan: PortraitPlan): void {
  const hand = plan.hand;
  if (!hand.present) return;
  const s = cv.scale;
  const U = cv.U,
    V = cv.V;
  const z = hand.size;
  const ca = Math.cos(hand.angle),
    sa = Math.sin(hand.angle);
  const sk = plan.skin.color;
  const b = cv.bbox(hand.u - 2.2 * z, hand.v - 1.2 * z, hand.u + 2.2 * z, hand.v + 2.4 * z);
  for (let y = b[1]; y < b[3]; y++)
    for (let x = b[0]; x < b[2]; x++) {
      const p = y * cv.w + x;
      const du = U[p] - hand.u,
        dv = V[p] - hand.v;
      // Hand-local coordinates, fingers pointing to -y.
      const hx = (ca * du + sa * dv) / z,
        hy = (-sa * du + ca * dv) / z;
      // Palm and fingers; where two parts nearly touch, a crease.
      let d = ellipseDist(hx, hy, 0, 0.15, 0.48, 0.42);
      let second = Infinity;
      for (let f = 0; f < 4; f++) {
        const fx = FINGERS[f * 2],
          len = FINGERS[f * 2 + 1];
        const fd = capsule(hx, hy, fx, -0.1, fx * 1.25, -0.1 - len, 0.095);
        if (fd < d) {
          second = d;
          d = fd;
        } else if (fd < second) second = fd;
      }
      const crease = d < 0 && second < 0.02 && hy < -0.05;
      const thumb = capsule(hx, hy, 0.38, 0.25, 0.72, -0.05, 0.11);
      if (thumb < d) d = thumb;
      const arm = capsule(hx, hy, 0, 0.35, 0.1, 3, 0.34);
      if (arm < d) d = arm;
      const a = cover(d * z * s);
      if (a <= 0) continue;
      // Palm side facing the light is brighter; creases between fingers darker.
      const k = (plan.light.ambient + 0.45 + 0.15 * clamp01(-hy) * plan.light.z) * (crease ? 0.8 : 1);
      cv.blend(p, sk[0] * k, sk[1] * k * 0.97, sk[2] * k * 0.96, a);
    }
}

export function drawShadow(cv: Canvas, plan: PortraitPlan): void {
  const sh = plan.shadow;
  if (sh.strength <= 0) return;
  const U = cv.U,
    V = cv.V;
  const ca = Math.cos(sh.angle),
    sa = Math.sin(sh.angle);
  const f = 1 - sh.strength;
  for (let p = 0; p < cv.w * cv.h; p++) {
    const t = smoothstep(sh.offset + 0.3, sh.offset - 0.3, V[p] * ca - U[p] * sa);
    if (t > 0) cv.multiply(p, f, f, f * 1.05, t);
  }
}
