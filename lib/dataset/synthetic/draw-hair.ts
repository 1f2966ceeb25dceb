/**
 * Hair: silhouette and texture depend on the drawn hair type, tint on the drawn colour.
 *
 * - straight: smooth outline, long continuous strands radiating from the parting, one broad
 *   sheen band across the crown;
 * - wavy: wavy outline and hairline, strands that zig-zag, repeated light/dark bands along them;
 * - curly (type n/a): bumpy outline, blobby texture, speckled highlights;
 * - updo (type n/a): flat against the skull, strands pulled back, often a bun on top;
 * - buzz (type n/a): a thin translucent layer over the skull, skin showing through;
 * - bald: no hair on the crown, only a thin horseshoe above the ears (the face layer draws the
 *   skin of the crown and its highlight).
 *
 * The part of the hair in front of the forehead is not drawn here: the face layer leaves the
 * area above the hairline (and the curtains of long hair) uncovered, so this layer shows there.
 */
import * as raster from "./raster";
import type { Canvas } from "./raster";
import type { PortraitPlan } from "./plan-portrait";
import * as head from "./head-geometry";
import type { HeadGeometry } from "./head-geometry";

// Bound once: under tsx (CommonJS output) each call through an import binding goes through a
// getter, which showed up at several percent of the render time.
const { clamp01, cover, ellipseDist, fineNoise, smoothNoise, smoothstep, fastSin, fastAtan2, bell } = raster;
const { SKULL_CY } = head;

export function drawHair(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const h = plan.hair;
  if (!h.present) return;
  const type = plan.truth.type;
  if (type === "bald") return drawHorseshoe(cv, plan, g);

  const s = cv.scale;
  const buzz = type === "buzz";
  const curly = type === "curly";
  const updo = type === "updo";
  const wavy = type === "wavy" || curly;
  const vol = buzz ? 0 : h.volume;
  const rx = g.skullRx + vol;
  const ry = g.skullRy + vol * 0.9;
  const top = SKULL_CY - ry;
  const hangTo = buzz ? 0.05 : Math.max(h.length, SKULL_CY + 0.3);
  const hang = hangTo - SKULL_CY;
  const neckCut = plan.neck.width * 0.95;
  const bunU = h.part * 0.3,
    bunV = top - 0.08,
    bunR = 0.36 + vol;
  const lx = plan.light.x,
    ly = plan.light.y,
    lz = plan.light.z,
    amb = plan.light.ambient;
  const maxW = rx * (1 + h.flare) + h.waveAmp + 0.1;
  const b = cv.bbox(-maxW, top - (h.bun ? 0.8 : 0.2), maxW, hangTo + 0.2);
  const U = cv.U,
    V = cv.V;
  const c = h.color,
    c2 = h.color2;
  const sheenR = ry * 0.55;

  for (let y = b[1]; y < b[3]; y++)
    for (let x = b[0]; x < b[2]; x++) {
      const p = y * cv.w + x;
      const u = U[p],
        v = V[p];
      const dv = v - SKULL_CY;
      // --- silhouette: signed distance in head units, negative inside ---
      let d: number;
      if (dv <= 0) {
        d = ellipseDist(u, v, 0, SKULL_CY, rx, ry);
        if (wavy) d -= h.waveAmp * 0.6 * fastSin(u * h.waveFreq * 0.9 + h.wavePhase);
      } else {
        const t = dv / hang;
        let w = rx * (1 + h.flare * t * t);
        if (t > 0.6) w *= Math.sqrt(Math.max(0, 1 - ((t - 0.6) / 0.4) ** 2));
        if (wavy) w += h.waveAmp * fastSin(v * h.waveFreq + h.wavePhase + (u > 0 ? 1.9 : 0));
        d = Math.abs(u) - w;
        // Long hair parts around the neck and chest instead of covering them.
        if (v > 1.0) d = Math.max(d, neckCut + (v - 1.0) * 0.55 - Math.abs(u));
      }
      if (curly) d -= 0.06 * fastSin(u * 23 + h.wavePhase) * fastSin(v * 21);
      if (h.bun) d = Math.min(d, ellipseDist(u, v, bunU, bunV, bunR, bunR * 0.85));
      const a = cover(d * s);
      if (a <= 0) continue;

      // --- texture: strands radiating from the parting point ---
      const px = u - h.part,
        py = v - top + 0.12;
      const dist = Math.sqrt(px * px + py * py);
      let sc = fastAtan2(px, py + 0.3) * h.strandFreq * (updo ? 1.6 : 1);
      const wave = fastSin(dist * h.waveFreq + h.wavePhase);
      if (wavy) sc += h.waveAmp * 12 * wave;
      let fine: number, lo: number;
      if (curly) {
        fine = fineNoise(u * 9 + h.noiseX, v * 9 + h.noiseY);
        lo = smoothNoise(u * 7 + h.noiseY, v * 7 + h.noiseX);
      } else {
        fine = fineNoise(sc * 2.3 + h.noiseX, dist * 1.4 + h.noiseY);
        lo = smoothNoise(sc * 0.7 + h.noiseY, dist * 0.9 + h.noiseX);
      }
      // Second colour: lowlights, or pepper strands in gray hair.
      const m2 = smoothstep(1 - h.mix2 - 0.12, 1 - h.mix2 + 0.12, fine * 0.6 + lo * 0.4);
      let r = c[0] + (c2[0] - c[0]) * m2;
      let gg = c[1] + (c2[1] - c[1]) * m2;
      let bb = c[2] + (c2[2] - c[2]) * m2;
      let shade = 1 + h.contrast * (fine - 0.5) * 1.5 + (lo - 0.5) * 0.35;
      if (wavy) shade *= 0.78 + 0.36 * (0.5 + 0.5 * wave);
      // Lighting on a rough head-shaped normal; hanging hair faces the camera.
      const nx = clamp01(Math.abs(u) / (rx + 0.3)) * Math.sign(u);
      const ny = dv < 0 ? dv / (ry + 0.2) : 0.1;
      const nz = Math.sqrt(Math.max(0.05, 1 - nx * nx - ny * ny));
      const lit = amb + (1 - amb) * Math.max(0, nx * lx + ny * ly + nz * lz);
      let sheen: number;
      if (curly) sheen = fine > 0.72 ? h.shine * 0.8 : 0;
      else if (wavy) {
        const crest = Math.max(0, fastSin(dist * h.waveFreq + h.wavePhase + 1.2));
        sheen = h.shine * crest * crest * crest * crest;
      } else sheen = dv < 0.2 ? h.shine * bell((dist - sheenR) / 0.16) * (0.6 + 0.8 * fine) : 0;
      sheen *= plan.light.sheen;
      const k = shade * lit;
      r = r * k + sheen * (0.3 + 0.7 * r);
      gg = gg * k + sheen * (0.3 + 0.7 * gg);
      bb = bb * k + sheen * (0.3 + 0.7 * bb);
      if (buzz) {
        // Skin shows through a buzz cut.
        const sk = plan.skin.color,
          t = 0.45 + 0.25 * fine;
        r = r * t + sk[0] * lit * (1 - t);
        gg = gg * t + sk[1] * lit * (1 - t);
        bb = bb * t + sk[2] * lit * (1 - t);
      }
      cv.blend(p, r, gg, bb, a);
    }
}

/** The fringe of hair that a bald crown keeps above the ears and at the back. */
function drawHorseshoe(cv: Canvas, plan: PortraitPlan, g: HeadGeometry): void {
  const h = plan.hair;
  if (h.sideHair <= 0) return;
  const s = cv.scale;
  const rx = g.skullRx + 0.05;
  const b = cv.bbox(-rx - 0.1, -1.0, rx + 0.1, 0.3);
  const U = cv.U,
    V = cv.V;
  for (let y = b[1]; y < b[3]; y++)
    for (let x = b[0]; x < b[2]; x++) {
      const p = y * cv.w + x;
      const u = U[p],
        v = V[p];
      const d = Math.max(ellipseDist(u, v, 0, SKULL_CY, rx, g.crownRy + 0.05), 0.78 * rx - Math.abs(u), v - 0.15, -0.85 - v);
      const a = cover(d * s) * h.sideHair;
      if (a <= 0) continue;
      const n = fineNoise(u * 10 + h.noiseX, v * 4 + h.noiseY);
      const mix = n < h.mix2 ? 1 : 0;
      const k = (0.7 + 0.5 * n) * (plan.light.ambient + 0.4);
      cv.blend(
        p,
        (h.color[0] + (h.color2[0] - h.color[0]) * mix) * k,
        (h.color[1] + (h.color2[1] - h.color[1]) * mix) * k,
        (h.color[2] + (h.color2[2] - h.color[2]) * mix) * k,
        a,
      );
    }
}
