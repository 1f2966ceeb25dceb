/**
 * Renders one synthetic portrait: plan it from its written labels and its own random stream,
 * draw the layers back to front, degrade it like a real photo, return 8-bit RGB pixels.
 *
 * The random stream is keyed by (seed, ordinal) alone, so an image comes out the same whichever
 * thread renders it and whatever else is rendered around it.
 */
import { IMAGE_HEIGHT, IMAGE_WIDTH, IMAGE_BYTES } from "../../challenge/definition";
import { Rng } from "./prng";
import { Canvas } from "./raster";
import { planPortrait, type PortraitPlan } from "./plan-portrait";
import { headGeometry } from "./head-geometry";
import { drawBackground } from "./draw-background";
import { drawBody, drawNeck } from "./draw-body";
import { drawHair } from "./draw-hair";
import { drawEars, drawFace } from "./draw-face";
import { drawBeard, drawBrows, drawEarrings, drawEyes, drawGlasses, drawMouth } from "./draw-features";
import { drawHand, drawHat, drawShadow } from "./draw-occluders";
import { degradeImage } from "./degrade-image";
import { COLOR_VALUES, GENDER_VALUES, TYPE_VALUES } from "./label-table";

const IMAGE_STREAM = 0x1ae6e;

/** One canvas per thread, reused: its buffers are the bulk of the per-image memory. */
let canvas: Canvas | undefined;

export function renderPortrait(options: { seed: number; ordinal: number; gender: number; color: number; type: number; out?: Uint8Array }): {
  pixels: Uint8Array;
  plan: PortraitPlan;
} {
  const rng = new Rng(options.seed, IMAGE_STREAM, options.ordinal);
  const plan = planPortrait(rng, {
    gender: GENDER_VALUES[options.gender],
    color: COLOR_VALUES[options.color],
    type: TYPE_VALUES[options.type],
  });
  const cv = (canvas ??= new Canvas());
  const g = headGeometry(plan);
  cv.setHeadTransform(plan.pose.cx, plan.pose.cy, plan.pose.scale, plan.pose.tilt);

  drawBackground(cv, plan);
  drawBody(cv, plan);
  drawHair(cv, plan, g);
  drawNeck(cv, plan);
  drawEars(cv, plan, g);
  drawFace(cv, plan, g);
  drawBrows(cv, plan, g);
  drawEyes(cv, plan, g);
  drawMouth(cv, plan, g);
  drawBeard(cv, plan, g);
  drawGlasses(cv, plan, g);
  drawEarrings(cv, plan, g);
  drawHat(cv, plan, g);
  drawHand(cv, plan);
  drawShadow(cv, plan);

  const pixels = options.out ?? new Uint8Array(IMAGE_BYTES);
  degradeImage(cv.rgb, IMAGE_WIDTH, IMAGE_HEIGHT, plan.post, rng, pixels);
  return { pixels, plan };
}
