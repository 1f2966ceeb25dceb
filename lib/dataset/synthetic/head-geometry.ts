/**
 * Shared head measurements (head units: half the face width = 1, origin at the face centre,
 * v down), so that the face, hair, hats and hands agree on where the skull and hairline are.
 */
import type { PortraitPlan } from "./plan-portrait";
import * as raster from "./raster";

const { fastSin } = raster;

/** Centre height of the skull ellipse (above the face centre, which sits at eye level). */
export const SKULL_CY = -0.35;

export interface HeadGeometry {
  /** Face half-width left/right of the centre (yaw widens the side turned to the camera). */
  ruL: number;
  ruR: number;
  /** Skull ellipse radii (without hair). */
  skullRx: number;
  skullRy: number;
  /** Height of a bare (bald) crown: lower than the skull under hair, which hair volume hides. */
  crownRy: number;
  /** Horizontal offset of the features (nose, mouth, eyes) from yaw. */
  featureShift: number;
  /**
   * Lower-face profile sampled at JAW_STEPS + 1 heights t = v / chin: half-width as a fraction
   * of ru, and the factor turning a horizontal distance into a distance normal to the outline.
   * Tabulated once per image because the superellipse needs two pow() per pixel otherwise.
   */
  jawWidth: Float32Array;
  jawNorm: Float32Array;
}

const JAW_STEPS = 64;

export function headGeometry(plan: PortraitPlan): HeadGeometry {
  const w = plan.face.width;
  const yaw = plan.pose.yaw;
  const n = plan.face.jaw;
  const jawWidth = new Float32Array(JAW_STEPS + 2);
  const jawNorm = new Float32Array(JAW_STEPS + 2);
  for (let i = 0; i <= JAW_STEPS + 1; i++) {
    const t = Math.min(1, i / JAW_STEPS);
    jawWidth[i] = Math.pow(Math.max(0, 1 - Math.pow(t, n)), 1 / n);
  }
  for (let i = 0; i <= JAW_STEPS; i++) {
    // Slope of the outline in head units (width change per unit of v), both sides averaged.
    const slope = ((jawWidth[Math.max(0, i - 1)] - jawWidth[i + 1]) * w * JAW_STEPS) / (plan.face.chin * (i === 0 ? 1 : 2));
    // Floored: near the chin tip the outline turns horizontal and a horizontal distance says
    // little; without a floor, points far to the side would count as near the outline.
    jawNorm[i] = Math.max(0.35, 1 / Math.sqrt(1 + slope * slope));
  }
  jawNorm[JAW_STEPS + 1] = jawNorm[JAW_STEPS];
  return {
    jawWidth,
    jawNorm,
    ruL: w * (1 - 0.12 * yaw),
    ruR: w * (1 + 0.12 * yaw),
    skullRx: w * 1.05,
    skullRy: 1.42,
    crownRy: 1.28,
    featureShift: yaw * 0.32,
  };
}

/**
 * Signed distance (head units, negative inside) to the face outline: an ellipse above the
 * face centre and a superellipse |u/ru|^jaw + |v/chin|^jaw = 1 below, whose exponent sets how
 * square the jaw is (approximate near the chin tip, which only softens one pixel of edge).
 */
export function faceDist(u: number, v: number, plan: PortraitPlan, g: HeadGeometry): number {
  const ru = u < 0 ? g.ruL : g.ruR;
  if (v < 0) {
    const x = u / ru,
      y = v / plan.face.foreheadTop;
    return (Math.sqrt(x * x + y * y) - 1) * ru;
  }
  const t = v / plan.face.chin;
  if (t >= 1) return Math.max(v - plan.face.chin, Math.abs(u));
  const x = t * JAW_STEPS;
  const i = x | 0;
  const f = x - i;
  const width = g.jawWidth[i] + (g.jawWidth[i + 1] - g.jawWidth[i]) * f;
  const norm = g.jawNorm[i] + (g.jawNorm[i + 1] - g.jawNorm[i]) * f;
  return Math.max((Math.abs(u) - width * ru) * norm, v - plan.face.chin);
}

/** The v of the hairline at horizontal position u: above it, hair covers the forehead. */
export function hairlineAt(u: number, plan: PortraitPlan): number {
  const h = plan.hair;
  let hl = h.hairline + h.fringe + 0.32 * u * u + h.sweep * u * (h.fringe > 0 ? 1 : 0.3);
  if (h.waveAmp > 0) hl += h.waveAmp * 0.7 * fastSin(u * 11 + h.wavePhase);
  return hl;
}
