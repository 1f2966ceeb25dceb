/**
 * Shoulders, clothing and neck. Drawn before the hair so that long hair falls in front of the
 * shoulders, and the neck after the hair so that hair hanging behind the head stays behind it.
 */
import * as raster from "./raster";
import type { Canvas } from "./raster";
import type { PortraitPlan } from "./plan-portrait";

// Bound once: under tsx (CommonJS output) each call through an import binding goes through a
// getter, which showed up at several percent of the render time.
const { cover, smoothNoise } = raster;

export function drawBody(cv: Canvas, plan: PortraitPlan): void {
  const { body, skin, light, pose } = plan;
  const s = pose.scale;
  // The torso turns less than the head: use untilted coordinates around the head position.
  const cx = pose.cx + pose.yaw * s * 0.25;
  const top = body.top;
  const neckHalf = plan.neck.width;
  for (let y = Math.max(0, Math.floor(pose.cy + (top - 0.6) * s)); y < cv.h; y++) {
    const vb = (y + 0.5 - pose.cy) / s;
    for (let x = 0; x < cv.w; x++) {
      const ub = (x + 0.5 - cx) / s;
      const edge = top + 0.2 * ub * ub - vb;
      const a = cover(edge * s);
      if (a <= 0) continue;
      const p = y * cv.w + x;
      // Clothing shading: lit from the light's side, darker towards the arms.
      const side = ub / body.width;
      let shade = body.shade * (0.75 + 0.3 * side * light.x - 0.25 * side * side);
      if (body.texture > 0) shade *= 1 + body.texture * (smoothNoise(ub * 6 + 5, vb * 6) - 0.5) * 2;
      let r = body.color[0] * shade,
        g = body.color[1] * shade,
        bl = body.color[2] * shade;
      // Neckline: where the clothing opens, skin shows.
      const dv = vb - top;
      let skinA = 0;
      if (body.neckline === "round") skinA = cover(((ub * ub) / 0.42 + (dv * dv) / 0.2 - 1) * s * 0.3);
      else if (body.neckline === "v") skinA = cover((Math.abs(ub) - neckHalf * 1.1 * (1 - dv / 1.1)) * s);
      else if (body.neckline === "bare") skinA = cover((dv - 0.9 - 0.1 * ub * ub) * s);
      else if (body.neckline === "collar") {
        const collar = Math.abs(ub) < neckHalf * 1.6 && dv < 0.55 - Math.abs(ub) * 0.3 && dv > -0.1;
        if (collar) {
          r = 0.9 * shade + 0.05;
          g = 0.9 * shade + 0.05;
          bl = 0.92 * shade + 0.05;
        }
        skinA = cover((Math.abs(ub) - neckHalf * 0.7 * (1 - dv / 0.7)) * s);
      }
      if (skinA > 0) {
        const k = 0.72 + 0.1 * light.z;
        r += (skin.color[0] * k - r) * skinA;
        g += (skin.color[1] * k - g) * skinA;
        bl += (skin.color[2] * k - bl) * skinA;
      }
      cv.blend(p, r, g, bl, a);
    }
  }
}

export function drawNeck(cv: Canvas, plan: PortraitPlan): void {
  const { skin, neck, light, pose } = plan;
  const s = cv.scale;
  const w = neck.width;
  const b = cv.bbox(-w - 0.2, 0.3, w + 0.2, plan.body.top + 1.2);
  const U = cv.U,
    V = cv.V;
  for (let y = b[1]; y < b[3]; y++)
    for (let x = b[0]; x < b[2]; x++) {
      const p = y * cv.w + x;
      const u = U[p] - pose.yaw * 0.15,
        v = V[p];
      // Neck sides widen slightly into the shoulders.
      const half = w + Math.max(0, v - plan.body.top + 0.2) * 0.5;
      const a = cover((Math.abs(u) - half) * s) * cover((0.4 - v) * s);
      if (a <= 0) continue;
      // Shadow under the chin, lit side brighter.
      const shade = (0.55 + 0.25 * Math.min(1, (v - 1.0) / 0.8) + 0.12 * (u / w) * light.x) * (0.85 + 0.15 * light.z);
      cv.blend(p, skin.color[0] * shade, skin.color[1] * shade, skin.color[2] * shade, a);
    }
}
