/**
 * Ears and the skin of the face: outline (jaw width is a gender cue), Lambert shading from the
 * light direction on an ellipsoid normal, eye sockets, nose shadow, blush, gloss, and for bald
 * heads the crown with its highlight. The hair in front of the forehead is left uncovered here
 * (see draw-hair.ts) by fading the skin out above the hairline and behind long side curtains.
 */
import * as raster from "./raster";
import type { Canvas } from "./raster";
import type { PortraitPlan } from "./plan-portrait";
import * as head from "./head-geometry";
import type { HeadGeometry } from "./head-geometry";

// Bound once: under tsx (CommonJS output) each call through an import binding goes through a
// getter, which showed up at several percent of the render time.
const { cover, ellipseDist, fineNoise, smoothstep } = raster;
const { faceDist, hairlineAt, SKULL_CY } = head;

export function drawEars(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  if (!plan.ears.visible) return;
  const s = cv.scale;
  const sk = plan.skin.color;
  const U = cv.U,
    V = cv.V;
  for (let side = -1; side <= 1; side += 2) {
    const eu = side * ((side < 0 ? g.ruL : g.ruR) + 0.01),
      ev = -0.05;
    const b = cv.bbox(eu - 0.2, ev - 0.32, eu + 0.2, ev + 0.32);
    for (let y = b[1]; y < b[3]; y++)
      for (let x = b[0]; x < b[2]; x++) {
        const p = y * cv.w + x;
        const u = U[p],
          v = V[p];
        const a = cover(ellipseDist(u, v, eu, ev, 0.14, 0.27) * s);
        if (a <= 0) continue;
        const inner = ellipseDist(u, v, eu + side * 0.02, ev, 0.07, 0.16) < 0 ? 0.72 : 0.88;
        const k = inner * (plan.light.ambient + 0.35 + 0.2 * side * plan.light.x);
        cv.blend(p, sk[0] * k * 1.04, sk[1] * k * 0.95, sk[2] * k * 0.95, a);
      }
  }
}

export function drawFace(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const s = cv.scale;
  const { skin, light, face, hair, eyes, nose } = plan;
  const type = plan.truth.type;
  const bald = type === "bald";
  // Hair in front of the forehead exists only when hair is drawn and is not a bald crown.
  const hairFront = hair.present && !bald;
  const top = bald ? SKULL_CY - g.crownRy : -face.foreheadTop;
  const b = cv.bbox(-1.25, top - 0.05, 1.25, face.chin + 0.05);
  const U = cv.U,
    V = cv.V;
  const sk = skin.color;
  const du = g.featureShift;
  const lx = light.x,
    ly = light.y,
    lz = light.z,
    amb = light.ambient;
  const noseSide = lx > 0 ? -1 : 1;
  const curtainEdge = 1.06 - 0.3 * hair.curtain;

  for (let y = b[1]; y < b[3]; y++)
    for (let x = b[0]; x < b[2]; x++) {
      const p = y * cv.w + x;
      const u = U[p],
        v = V[p];
      let d = faceDist(u, v, plan, g);
      const crown = bald && v < 0 ? ellipseDist(u, v, 0, SKULL_CY, g.skullRx, g.crownRy) : 1;
      if (crown < d) d = crown;
      let a = cover(d * s);
      if (a <= 0) continue;
      if (hairFront) {
        let hairA = cover((v - hairlineAt(u, plan)) * s);
        if (hair.curtain > 0 && v < 0.95) {
          const ru = u < 0 ? g.ruL : g.ruR;
          const side = Math.sign(u) === Math.sign(hair.part) ? 0.12 : 0;
          const c = cover((curtainEdge * ru - side - Math.abs(u)) * s) * Math.min(1, (0.95 - v) * 3);
          if (c > hairA) hairA = c;
        }
        a *= 1 - hairA;
        if (a <= 0) continue;
      }
      // Lambert shading on an ellipsoid normal (the crown of a bald head uses the skull's).
      const ru = u < 0 ? g.ruL : g.ruR;
      let nx = u / ru;
      let ny = v < 0 ? v / face.foreheadTop : v / face.chin;
      // Bald crown: blend towards the skull's normal going up, so the shading has no seam.
      const crownT = bald && v < 0 ? smoothstep(-0.3, -0.95, v) : 0;
      if (crownT > 0) {
        nx += (u / g.skullRx - nx) * crownT;
        ny += ((v - SKULL_CY) / g.crownRy - ny) * crownT;
      }
      const nz = Math.sqrt(Math.max(0.02, 1 - nx * nx - ny * ny));
      const diff = Math.max(0, nx * lx + ny * ly + nz * lz);
      let shade = (amb + (1 - amb) * diff) * light.fill;
      // Eye sockets, nose shadow, shadow under the nose.
      const fu = u - du;
      for (let side = -1; side <= 1; side += 2) {
        const ex = (fu - side * eyes.spacing) / 0.28,
          ey = (v - eyes.v + 0.02) / 0.17;
        const q = 1 - ex * ex - ey * ey;
        if (q > 0) shade *= 1 - 0.16 * q;
      }
      if (v > eyes.v + 0.1 && v < nose.len) {
        const nq = 1 - ((fu - noseSide * 0.08) / 0.06) ** 2;
        if (nq > 0) shade *= 1 - 0.22 * nq * ((v - eyes.v - 0.1) / (nose.len - eyes.v - 0.1));
      }
      let r = sk[0] * shade,
        gg = sk[1] * shade,
        bb = sk[2] * shade;
      {
        const tx = (fu + 0.02 * noseSide) / 0.09,
          ty = (v - nose.len + 0.06) / 0.08;
        const q = 1 - tx * tx - ty * ty;
        if (q > 0) {
          r += 0.06 * q;
          gg += 0.06 * q;
          bb += 0.05 * q;
        }
      }
      for (let side = -1; side <= 1; side += 2) {
        const nx2 = (fu - side * nose.width * 0.55) / 0.05,
          ny2 = (v - nose.len - 0.02) / 0.035;
        const q = 1 - nx2 * nx2 - ny2 * ny2;
        if (q > 0) {
          r *= 1 - 0.5 * q;
          gg *= 1 - 0.55 * q;
          bb *= 1 - 0.55 * q;
        }
      }
      if (skin.blush > 0)
        for (let side = -1; side <= 1; side += 2) {
          const cx2 = (fu - side * 0.5) / 0.26,
            cy2 = (v - 0.3) / 0.2;
          const q = 1 - cx2 * cx2 - cy2 * cy2;
          if (q > 0) {
            r += skin.blush * q * 0.5;
            gg -= skin.blush * q * 0.2;
            bb -= skin.blush * q * 0.1;
          }
        }
      // Gloss (oily skin, flash) and the shine of a bald crown.
      const d2 = diff * diff,
        d8 = d2 * d2 * d2 * d2;
      const gloss = skin.gloss * d8 + 0.35 * crownT * d8 * d2;
      const tex = 1 + skin.texture * (fineNoise(u * 12 + 3, v * 12 + 7) - 0.5) * 2;
      cv.blend(p, r * tex + gloss, gg * tex + gloss, bb * tex + gloss * 0.95, a);
    }
}
