/**
 * Decides everything about one portrait before any pixel is drawn: what is really in the picture
 * (which may differ from the written label: annotation noise), why a label is n/a, and all the
 * continuous nuisance parameters (pose, lighting, skin, background, degradations).
 *
 * The written labels come in (from sample-labels.ts) and are never changed here, so the label
 * proportions stay exactly those of the joint table; only what gets rendered moves away from them.
 */
import type { Rgb } from "./raster";
import { type Rng } from "./prng";
import type { ColorValue, GenderValue, TypeValue } from "./label-table";

/** Hair colour actually drawn. The extra values are the ones annotators would mark n/a. */
export type TrueColor = "black" | "brown" | "blond" | "gray" | "bald" | "red" | "dyed" | "mixed";
/** Hair style actually drawn. curly/updo/buzz are neither straight nor wavy: type n/a. */
export type TrueType = "straight" | "wavy" | "bald" | "curly" | "updo" | "buzz";
/** Why hair is hidden or unreadable (chosen mostly for n/a labels). */
export type Occluder = "none" | "hat" | "cap" | "beanie" | "hood" | "crop" | "hand" | "shadow" | "cast";
export type Beard = "none" | "stubble" | "moustache" | "goatee" | "full";

export interface PortraitPlan {
  label: { gender: GenderValue; color: ColorValue; type: TypeValue };
  truth: { gender: GenderValue; color: TrueColor; type: TrueType; occluder: Occluder };
  /** Head placement in pixels, pixels per head unit, tilt (radians), yaw (-1..1, shifts features). */
  pose: { cx: number; cy: number; scale: number; tilt: number; yaw: number };
  background: { c0: Rgb; c1: Rgb; angle: number; blobs: { x: number; y: number; r: number; color: Rgb; a: number }[]; texture: number };
  light: { x: number; y: number; z: number; ambient: number; fill: number; sheen: number };
  skin: { color: Rgb; gloss: number; blush: number; texture: number };
  face: { jaw: number; chin: number; width: number; foreheadTop: number };
  neck: { width: number };
  body: { color: Rgb; shade: number; neckline: "round" | "v" | "collar" | "bare"; width: number; top: number; texture: number };
  eyes: { v: number; spacing: number; w: number; h: number; iris: Rgb; liner: number; shadow: number; shadowColor: Rgb };
  brows: { v: number; thick: number; arch: number; len: number; slant: number; color: Rgb };
  nose: { len: number; width: number };
  mouth: { v: number; w: number; h: number; color: Rgb; smile: number; open: number };
  beard: { kind: Beard; color: Rgb; alpha: number };
  hair: {
    present: boolean;
    color: Rgb;
    /** Second strand colour: pepper strands of gray hair, lowlights of others. */
    color2: Rgb;
    mix2: number;
    contrast: number;
    shine: number;
    /** Head units beyond the skull (volume) and how far below the eyes the hair hangs. */
    volume: number;
    length: number;
    flare: number;
    waveAmp: number;
    waveFreq: number;
    wavePhase: number;
    strandFreq: number;
    part: number;
    hairline: number;
    fringe: number;
    sweep: number;
    curtain: number;
    bun: boolean;
    /** Bald crowns: the thin horseshoe of hair above the ears (0 = fully shaved). */
    sideHair: number;
    noiseX: number;
    noiseY: number;
  };
  ears: { visible: boolean; earring: Rgb | null };
  glasses: { kind: "none" | "clear" | "sun"; color: Rgb };
  hat: { kind: "none" | "hat" | "cap" | "beanie" | "hood"; color: Rgb; color2: Rgb; bottom: number; brim: number; height: number };
  hand: { present: boolean; u: number; v: number; angle: number; size: number };
  shadow: { strength: number; angle: number; offset: number };
  post: {
    exposure: number;
    contrast: number;
    saturation: number;
    cast: Rgb;
    grayscale: boolean;
    blur: number;
    jpegQuality: number;
    noise: number;
    vignette: number;
  };
}

// Annotation noise rates: the drawn attribute differs from the written one this often.
const GENDER_NOISE = 0.012;
const COLOR_NOISE = 0.03;
const TYPE_NOISE = 0.03;

const COLOR_NEIGHBOURS: Record<string, TrueColor[]> = {
  black: ["brown", "brown", "gray"],
  brown: ["black", "blond", "blond", "black"],
  blond: ["brown", "gray", "brown"],
  gray: ["blond", "black", "brown"],
};

function clampN(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function lerpRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

/**
 * Hair tints per colour class, each a distribution that overlaps its neighbours (dark brown vs
 * black, dark blond vs light brown, platinum vs light gray), so colour is never a threshold.
 */
export function sampleHairColor(rng: Rng, color: TrueColor): { c: Rgb; c2: Rgb; mix2: number } {
  const r = rng;
  switch (color) {
    case "black": {
      const v = r.range(0.05, 0.19);
      const warm = r.range(-0.015, 0.05);
      const c: Rgb = [v + warm, v + warm * 0.4, v - warm * 0.2 + r.range(0, 0.025)];
      return { c, c2: [c[0] * 2.2 + 0.05, c[1] * 2.2 + 0.05, c[2] * 2.3 + 0.06], mix2: r.range(0, 0.15) };
    }
    case "brown": {
      const v = Math.max(r.range(0.16, 0.52), r.range(0.16, 0.52));
      const sat = r.range(0.22, 0.55);
      const c: Rgb = [v, v * (1 - sat * 0.55), v * (1 - sat * 0.9)];
      return { c, c2: lerpRgb(c, [v * 1.6, v * 1.25, v * 0.8], 0.7), mix2: r.range(0, 0.3) };
    }
    case "blond": {
      const kind = r.pick(["golden", "ash", "platinum", "dark"], [4, 3, 1.2, 2]);
      const v = kind === "platinum" ? r.range(0.78, 0.93) : kind === "dark" ? r.range(0.45, 0.6) : r.range(0.58, 0.86);
      const sat =
        kind === "golden"
          ? r.range(0.33, 0.55)
          : kind === "ash"
            ? r.range(0.14, 0.3)
            : kind === "platinum"
              ? r.range(0.05, 0.14)
              : r.range(0.28, 0.48);
      const c: Rgb = [v, v * (1 - sat * 0.42), v * (1 - sat)];
      return { c, c2: lerpRgb(c, [v * 0.62, v * 0.5, v * 0.38], 0.8), mix2: r.range(0.05, 0.35) };
    }
    case "gray": {
      const v = r.range(0.38, 0.88);
      const tint = r.range(-0.03, 0.04);
      const c: Rgb = [v + tint, v + tint * 0.5, v - tint * 0.3];
      const pepper = r.range(0.1, 0.3);
      // Salt and pepper: the second colour is dark, mixed in as strands.
      return { c, c2: [pepper, pepper, pepper * 1.02], mix2: r.range(0.05, 0.55) };
    }
    case "red": {
      const v = r.range(0.33, 0.72);
      const c: Rgb = [v, v * r.range(0.32, 0.55), v * r.range(0.16, 0.34)];
      return { c, c2: lerpRgb(c, [v * 0.6, v * 0.25, v * 0.15], 0.6), mix2: r.range(0, 0.3) };
    }
    case "dyed": {
      const c = hsv(r.pick([0.95, 0.8, 0.7, 0.55, 0.33, 0.02]) + r.range(-0.04, 0.04), r.range(0.35, 0.75), r.range(0.35, 0.8));
      return { c, c2: lerpRgb(c, [0.15, 0.12, 0.1], 0.5), mix2: r.range(0, 0.5) };
    }
    case "mixed": {
      // Between two classes (ombre, highlights, strawberry): annotators disagree and skip it.
      const pairs: [TrueColor, TrueColor][] = [
        ["brown", "blond"],
        ["black", "brown"],
        ["blond", "gray"],
        ["brown", "gray"],
        ["blond", "red"],
      ];
      const [a, b] = r.pick(pairs);
      const ca = sampleHairColor(r, a);
      const cb = sampleHairColor(r, b);
      return { c: lerpRgb(ca.c, cb.c, r.range(0.35, 0.65)), c2: cb.c, mix2: r.range(0.25, 0.6) };
    }
    case "bald":
    default: {
      // The thin fringe left around a bald crown: mostly gray, sometimes dark.
      return sampleHairColor(r, r.chance(0.6) ? "gray" : r.pick(["black", "brown"]));
    }
  }
}

const SKIN_PALETTE: Rgb[] = [
  [0.96, 0.82, 0.74],
  [0.9, 0.71, 0.6],
  [0.8, 0.58, 0.44],
  [0.6, 0.41, 0.29],
  [0.38, 0.25, 0.18],
];

function sampleSkin(rng: Rng): Rgb {
  // CelebA is mostly light-skinned celebrities; keep that skew but cover the full range.
  const t = rng.pick([() => rng.range(0, 0.3), () => rng.range(0.25, 0.6), () => rng.range(0.55, 1)], [65, 22, 13])();
  const k = t * (SKIN_PALETTE.length - 1);
  const i = Math.min(SKIN_PALETTE.length - 2, Math.floor(k));
  const c = lerpRgb(SKIN_PALETTE[i], SKIN_PALETTE[i + 1], k - i);
  const red = rng.range(-0.03, 0.04);
  const yellow = rng.range(-0.03, 0.03);
  return [c[0] + red, c[1] + yellow * 0.5, c[2] - yellow];
}

function sampleBackground(rng: Rng): PortraitPlan["background"] {
  const kind = rng.pick(["neutral", "dark", "colour", "bright", "warm"], [28, 14, 18, 18, 22]);
  const base = (): Rgb => {
    switch (kind) {
      case "dark":
        return hsv(rng.next(), rng.range(0, 0.5), rng.range(0.03, 0.28));
      case "colour":
        return hsv(rng.next(), rng.range(0.3, 0.85), rng.range(0.25, 0.85));
      case "bright":
        return hsv(rng.next(), rng.range(0, 0.25), rng.range(0.75, 0.97));
      case "warm":
        return hsv(rng.range(0.0, 0.12), rng.range(0.2, 0.6), rng.range(0.3, 0.85));
      default:
        return hsv(rng.next(), rng.range(0, 0.15), rng.range(0.3, 0.8));
    }
  };
  const c0 = base();
  const c1 = rng.chance(0.6) ? lerpRgb(c0, base(), rng.range(0.2, 0.9)) : lerpRgb(c0, [0, 0, 0], rng.range(0, 0.5));
  const blobs = [];
  const nb = rng.pick([0, 1, 2, 3, 5], [30, 20, 20, 15, 15]);
  for (let i = 0; i < nb; i++)
    blobs.push({
      x: rng.range(-10, 94),
      y: rng.range(-10, 80),
      r: rng.range(6, 30),
      color: rng.chance(0.5) ? base() : hsv(rng.next(), rng.range(0, 1), rng.range(0.3, 1)),
      a: rng.range(0.2, 0.8),
    });
  return { c0, c1, angle: rng.range(0, Math.PI * 2), blobs, texture: rng.chance(0.3) ? rng.range(0.02, 0.1) : 0 };
}

/** Decides the drawn colour/type/occluder from the written labels (plus annotation noise). */
function chooseTruth(rng: Rng, gender: GenderValue, color: ColorValue, type: TypeValue): PortraitPlan["truth"] {
  const male = gender === "male";
  let tc: TrueColor;
  let tt: TrueType;
  let occ: Occluder = "none";
  const anyColor = (): TrueColor => rng.pick(["black", "brown", "blond", "gray"], male ? [40, 32, 8, 20] : [28, 32, 36, 4]);
  const anyType = (): TrueType => rng.pick(["straight", "wavy"], male ? [60, 40] : [25, 75]);

  if (color !== "n/a") {
    tc = color;
    if (color !== "bald" && rng.chance(COLOR_NOISE)) tc = rng.pick(COLOR_NEIGHBOURS[color]);
  } else tc = anyColor();
  if (type !== "n/a") {
    tt = type;
    if (rng.chance(TYPE_NOISE)) tt = type === "wavy" ? "straight" : type === "straight" ? "wavy" : "buzz";
  } else tt = anyType();
  if (tc === "bald") tt = "bald";
  if (tt === "bald" && type !== "bald" && tc !== "bald") tt = "buzz";

  if (color === "n/a" && type === "n/a") {
    // Both hidden: usually something covers or removes the hair; 1 in 8 simply unannotated.
    occ = rng.pick(["hat", "cap", "beanie", "hood", "crop", "hand", "shadow", "none"], [16, 14, 12, 7, 17, 10, 11, 13]);
    if (occ === "none" && rng.chance(0.5)) tc = rng.pick(["red", "mixed", "dyed"], [3, 4, 1]);
  } else if (color === "n/a") {
    // Hair shape visible but its colour is not one of the five (or cannot be judged).
    const why = rng.pick(["red", "mixed", "dyed", "cast", "shadow", "none"], [30, 25, 8, 12, 10, 15]);
    if (why === "red" || why === "mixed" || why === "dyed") tc = why;
    else if (why === "cast" || why === "shadow") occ = why;
    if (tt === "bald") tc = rng.chance(0.5) ? "mixed" : tc;
  } else if (type === "n/a" && tc !== "bald") {
    // Colour visible but the hair is neither straight nor wavy, or its shape cannot be seen.
    const why = rng.pick(["updo", "buzz", "curly", "cap", "crop", "none"], male ? [3, 40, 12, 18, 7, 20] : [35, 4, 16, 15, 7, 23]);
    if (why === "updo" || why === "buzz" || why === "curly") tt = why;
    else if (why === "cap" || why === "crop") occ = why;
  }
  return { gender, color: tc, type: tt, occluder: occ };
}

export function planPortrait(rng: Rng, label: { gender: GenderValue; color: ColorValue; type: TypeValue }): PortraitPlan {
  let renderedGender: GenderValue = label.gender;
  if (rng.chance(GENDER_NOISE)) renderedGender = label.gender === "male" ? "female" : "male";
  const truth = chooseTruth(rng, renderedGender, label.color, label.type);
  const male = truth.gender === "male";
  const occ = truth.occluder;

  // Pose and framing (CelebA-like aligned crops: eyes near mid-height, face about half the width).
  let scale = clampN(20.5 + 1.6 * rng.normal(), 16, 25) * (male ? 1.03 : 1);
  let eyeY = 52 + 2.6 * rng.normal();
  if (occ === "crop") {
    scale *= rng.range(1.4, 1.85);
    eyeY = rng.range(38, 52);
  }
  const tilt = clampN(0.09 * rng.normal(), -0.3, 0.3);
  const yaw = clampN(0.2 * rng.normal(), -0.5, 0.5);
  const pose = { cx: 42 + 2.4 * rng.normal() - yaw * 3, cy: eyeY + 0.12 * scale, scale, tilt, yaw };

  const lightAngle = rng.range(0, Math.PI * 2);
  const elev = rng.range(0.35, 0.95);
  const light = {
    x: Math.cos(lightAngle) * Math.sqrt(1 - elev * elev),
    y: Math.sin(lightAngle) * Math.sqrt(1 - elev * elev) * 0.7 - 0.2,
    z: elev,
    ambient: rng.range(0.38, 0.62),
    fill: rng.range(0.85, 1.15),
    sheen: rng.range(0.5, 1),
  };

  const skinColor = sampleSkin(rng);
  const skin = {
    color: skinColor,
    gloss: rng.range(0, 0.25),
    blush: !male && rng.chance(0.45) ? rng.range(0.05, 0.2) : rng.range(0, 0.04),
    texture: rng.range(0.01, 0.05),
  };

  const face = {
    jaw: clampN((male ? 2.2 : 1.78) + 0.18 * rng.normal(), 1.45, 2.8),
    chin: clampN((male ? 1.34 : 1.25) + 0.06 * rng.normal(), 1.1, 1.5),
    width: clampN((male ? 1.0 : 0.96) + 0.04 * rng.normal(), 0.86, 1.1),
    foreheadTop: rng.range(1.2, 1.4),
  };

  const shirt = rng.pick<() => Rgb>(
    [
      () => hsv(rng.next(), rng.range(0, 0.2), rng.range(0.02, 0.2)),
      () => hsv(rng.next(), rng.range(0, 0.1), rng.range(0.8, 0.97)),
      () => hsv(rng.next(), rng.range(0.3, 0.9), rng.range(0.25, 0.85)),
    ],
    [40, 20, 40],
  )();
  const body = {
    color: shirt,
    shade: rng.range(0.6, 1),
    neckline: rng.pick(["round", "v", "collar", "bare"] as const, male ? [35, 25, 35, 5] : [30, 30, 10, 30]),
    width: rng.range(2.3, 2.9) * (male ? 1.08 : 1),
    top: rng.range(1.55, 1.9),
    texture: rng.chance(0.3) ? rng.range(0.03, 0.12) : 0,
  };

  const hairCol = sampleHairColor(rng, truth.color);
  const eyes = {
    v: rng.range(-0.16, -0.08),
    spacing: rng.range(0.36, 0.44),
    w: rng.range(0.15, 0.19),
    h: rng.range(0.055, 0.085) * (male ? 0.9 : 1.05),
    iris: rng.pick<Rgb>(
      [
        [0.25, 0.15, 0.08],
        [0.15, 0.1, 0.06],
        [0.3, 0.4, 0.5],
        [0.3, 0.38, 0.25],
      ],
      [50, 25, 15, 10],
    ),
    liner: !male && rng.chance(0.55) ? rng.range(0.5, 1) : rng.range(0.1, 0.35),
    shadow: !male && rng.chance(0.4) ? rng.range(0.2, 0.55) : 0,
    shadowColor: rng.pick<Rgb>([
      [0.35, 0.25, 0.22],
      [0.45, 0.3, 0.4],
      [0.25, 0.25, 0.3],
      [0.5, 0.35, 0.25],
    ]),
  };
  const browBase: Rgb =
    truth.color === "blond" || truth.color === "gray"
      ? lerpRgb(hairCol.c, [0.25, 0.2, 0.17], rng.range(0.3, 0.7))
      : lerpRgb(hairCol.c, [0.08, 0.06, 0.05], rng.range(0.2, 0.6));
  const brows = {
    v: eyes.v - rng.range(0.2, 0.28) - (male ? 0 : 0.03),
    thick: clampN((male ? 0.1 : 0.065) + 0.018 * rng.normal(), 0.035, 0.16),
    arch: male ? rng.range(0.0, 0.06) : rng.range(0.03, 0.1),
    len: rng.range(0.2, 0.27),
    slant: rng.range(-0.05, 0.08),
    color: browBase,
  };
  const nose = { len: rng.range(0.32, 0.45), width: rng.range(0.12, 0.18) * (male ? 1.1 : 1) };

  const lipstick = male ? rng.chance(0.03) : rng.chance(0.55);
  const lipNatural: Rgb = [skinColor[0] * 0.82, skinColor[1] * 0.55, skinColor[2] * 0.56];
  const mouth = {
    v: rng.range(0.72, 0.82),
    w: rng.range(0.25, 0.36),
    h: rng.range(0.05, 0.09) * (male ? 0.85 : 1.1),
    color: lipstick
      ? rng.pick<Rgb>([
          [0.72, 0.12, 0.18],
          [0.8, 0.3, 0.35],
          [0.6, 0.2, 0.22],
          [0.85, 0.45, 0.5],
          [0.5, 0.1, 0.15],
        ])
      : lipNatural,
    smile: rng.range(-0.02, 0.08),
    open: rng.chance(0.35) ? rng.range(0.3, 1) : 0,
  };

  const beardKind: Beard = male
    ? rng.pick(["none", "stubble", "moustache", "goatee", "full"], [44, 24, 6, 10, 16])
    : rng.chance(0.015)
      ? "stubble"
      : "none";
  const beardBase =
    truth.color === "bald" || truth.color === "dyed"
      ? sampleHairColor(rng, rng.pick(["black", "brown", "gray"])).c
      : lerpRgb(hairCol.c, [0.1, 0.08, 0.06], rng.range(0, 0.4));
  const beard = { kind: beardKind, color: beardBase, alpha: beardKind === "stubble" ? rng.range(0.2, 0.5) : rng.range(0.75, 0.95) };

  // Hair length: long mostly for women, short mostly for men (a cue for gender, not a rule).
  const lengthClass = male ? rng.pick(["short", "medium", "long"], [80, 14, 6]) : rng.pick(["short", "medium", "long"], [11, 29, 60]);
  let length = lengthClass === "short" ? rng.range(-0.1, 0.35) : lengthClass === "medium" ? rng.range(0.9, 1.7) : rng.range(2.0, 3.6);
  let volume = lengthClass === "short" ? rng.range(0.02, 0.18) : rng.range(0.08, 0.35);
  const tt = truth.type;
  const wavy = tt === "wavy" || tt === "curly";
  if (tt === "updo") {
    length = rng.range(-0.3, 0.1);
    volume = rng.range(0.0, 0.06);
  } else if (tt === "buzz") {
    length = -0.3;
    volume = 0;
  } else if (tt === "curly") volume += rng.range(0.1, 0.3);
  const hair: PortraitPlan["hair"] = {
    present: true,
    color: hairCol.c,
    color2: hairCol.c2,
    mix2: hairCol.mix2,
    contrast: rng.range(0.3, 0.6),
    shine: tt === "straight" ? rng.range(0.25, 0.6) : rng.range(0.1, 0.35),
    volume,
    length,
    flare: rng.range(0, 0.25),
    waveAmp: tt === "wavy" ? rng.range(0.05, 0.12) : tt === "curly" ? rng.range(0.06, 0.1) : 0,
    waveFreq: tt === "curly" ? rng.range(18, 26) : rng.range(6, 11),
    wavePhase: rng.range(0, Math.PI * 2),
    strandFreq: rng.range(6, 11),
    part: rng.pick([0, rng.range(-0.5, -0.2), rng.range(0.2, 0.5)], [30, 35, 35]),
    hairline: rng.range(-1.05, -0.8),
    fringe: !male && rng.chance(0.3) ? rng.range(0.3, 0.6) : male && rng.chance(0.2) ? rng.range(0.1, 0.35) : 0,
    sweep: rng.range(-0.25, 0.25),
    curtain: lengthClass !== "short" && tt !== "updo" ? rng.range(0.55, 0.95) : 0,
    bun: tt === "updo" && rng.chance(0.7),
    sideHair: rng.chance(0.8) ? rng.range(0.4, 1) : 0,
    noiseX: rng.range(0, 64),
    noiseY: rng.range(0, 64),
  };
  if (wavy) hair.fringe *= 0.7;
  if (tt === "bald") hair.volume = 0;
  if (tt === "updo" || tt === "buzz") {
    hair.fringe = 0;
    hair.curtain = 0;
  }

  const earsVisible = lengthClass === "short" || tt === "updo" || tt === "buzz" || tt === "bald";
  const ears = {
    visible: earsVisible,
    earring:
      !male && rng.chance(0.35)
        ? rng.pick<Rgb>([
            [0.95, 0.85, 0.45],
            [0.9, 0.9, 0.92],
            [0.7, 0.1, 0.2],
          ])
        : null,
  };
  const glassesKind = rng.pick(["none", "clear", "sun"] as const, [86, 10, 4]);
  const glasses = {
    kind: glassesKind,
    color: rng.pick<Rgb>([
      [0.05, 0.05, 0.05],
      [0.35, 0.22, 0.12],
      [0.7, 0.7, 0.72],
    ]),
  };

  const hatKind: PortraitPlan["hat"]["kind"] = occ === "hat" || occ === "cap" || occ === "beanie" || occ === "hood" ? occ : "none";
  const hatCol = rng.pick<() => Rgb>(
    [
      () => hsv(rng.next(), rng.range(0, 0.3), rng.range(0.05, 0.3)),
      () => hsv(rng.next(), rng.range(0.4, 0.9), rng.range(0.3, 0.9)),
      () => hsv(rng.next(), rng.range(0, 0.1), rng.range(0.75, 0.95)),
    ],
    [45, 40, 15],
  )();
  const hat = {
    kind: hatKind,
    color: hatCol,
    color2: lerpRgb(hatCol, rng.chance(0.5) ? [1, 1, 1] : [0, 0, 0], rng.range(0.15, 0.5)),
    // Type n/a with colour known: the cap sits high and hair shows at the sides.
    bottom: label.color !== "n/a" ? rng.range(-0.95, -0.7) : rng.range(-0.7, -0.45),
    brim: rng.range(0.15, 0.3),
    height: rng.range(0.1, 0.35),
  };
  // A hat over hair whose colour is n/a hides all of it (hair tucked in); a cap over hair whose
  // colour is known sits high and leaves hair showing at the sides.
  if (hatKind !== "none" && label.color === "n/a") hair.present = false;
  // A hand on the head, its forearm leaving the frame on the same side (not across the face).
  const handSide = rng.chance(0.5) ? 1 : -1;
  const hand = {
    present: occ === "hand",
    u: handSide * rng.range(0.2, 0.8),
    v: rng.range(-1.5, -0.9),
    angle: -handSide * rng.range(0.7, 1.4),
    size: rng.range(0.9, 1.25),
  };
  const shadow =
    occ === "shadow"
      ? { strength: rng.range(0.6, 0.85), angle: rng.range(-0.6, 0.6), offset: rng.range(-0.5, 0.2) }
      : rng.chance(0.12)
        ? { strength: rng.range(0.15, 0.4), angle: rng.range(-1.2, 1.2), offset: rng.range(-1.2, 0.5) }
        : { strength: 0, angle: 0, offset: 0 };

  const castStrong = occ === "cast";
  const cast: Rgb = castStrong
    ? rng.pick<Rgb>([
        [1.35, 0.7, 1.1],
        [0.75, 0.9, 1.4],
        [1.35, 0.95, 0.55],
        [0.7, 1.25, 0.8],
      ])
    : [1 + rng.range(0, 0.14), 1 + rng.range(-0.05, 0.02), 1 + rng.range(-0.16, 0.01)];
  const post = {
    exposure: (occ === "shadow" ? rng.range(0.5, 0.8) : 1) * rng.range(0.92, 1.25),
    contrast: rng.range(0.9, 1.18),
    saturation: rng.range(0.75, 1.2),
    cast,
    grayscale: rng.chance(0.015),
    blur: rng.chance(0.25) ? rng.range(0.35, 0.75) : rng.chance(0.1) ? rng.range(0.8, 1.4) : 0,
    jpegQuality: rng.chance(0.45) ? Math.round(rng.range(30, 92)) : 0,
    noise: rng.chance(0.7) ? Math.min(rng.range(0.003, 0.02), rng.range(0.003, 0.02)) : 0,
    vignette: rng.chance(0.4) ? rng.range(0.1, 0.4) : 0,
  };

  return {
    label,
    truth,
    pose,
    background: sampleBackground(rng),
    light,
    skin,
    face,
    neck: { width: (male ? 0.55 : 0.46) + rng.range(-0.04, 0.04) },
    body,
    eyes,
    brows,
    nose,
    mouth,
    beard,
    hair,
    ears,
    glasses,
    hat,
    hand,
    shadow,
    post,
  };
}
