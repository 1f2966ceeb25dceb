import { describe, expect, it } from "vitest";
import { Rng } from "./prng";
import { planPortrait, type PortraitPlan } from "./plan-portrait";
import { sampleLabels } from "./sample-labels";
import { COLOR_VALUES, GENDER_VALUES, TYPE_VALUES } from "./label-table";
import { renderPortrait } from "./render-portrait";

const N = 20_000;
const labels = sampleLabels({ count: N, seed: 2 });
const plans: PortraitPlan[] = [];
for (let i = 0; i < N; i++)
  plans.push(
    planPortrait(new Rng(2, i), {
      gender: GENDER_VALUES[labels.gender[i]],
      color: COLOR_VALUES[labels.color[i]],
      type: TYPE_VALUES[labels.type[i]],
    }),
  );

const CLASS_COLORS = ["black", "brown", "blond", "gray", "bald"];
const share = (f: (p: PortraitPlan) => boolean, given: (p: PortraitPlan) => boolean) => {
  const sel = plans.filter(given);
  return sel.filter(f).length / sel.length;
};

describe("planPortrait", () => {
  it("adds a few percent of annotation noise", () => {
    const colorNoise = share(
      (p) => p.truth.color !== p.label.color,
      (p) => p.label.color !== "n/a" && p.label.color !== "bald",
    );
    const typeNoise = share(
      (p) => p.truth.type !== p.label.type,
      (p) => p.label.type === "wavy" || p.label.type === "straight",
    );
    const genderNoise = share(
      (p) => p.truth.gender !== p.label.gender,
      () => true,
    );
    expect(colorNoise).toBeGreaterThan(0.015);
    expect(colorNoise).toBeLessThan(0.045);
    expect(typeNoise).toBeGreaterThan(0.015);
    expect(typeNoise).toBeLessThan(0.045);
    expect(genderNoise).toBeGreaterThan(0.005);
    expect(genderNoise).toBeLessThan(0.02);
  });

  it("usually draws a reason for an n/a label", () => {
    const hidden = (p: PortraitPlan) => p.truth.occluder !== "none" || !p.hair.present;
    const offClass = (p: PortraitPlan) => !CLASS_COLORS.includes(p.truth.color);
    const bothNa = share(
      (p) => hidden(p) || offClass(p),
      (p) => p.label.color === "n/a" && p.label.type === "n/a",
    );
    const colorNa = share(
      (p) => offClass(p) || p.truth.occluder === "cast" || p.truth.occluder === "shadow",
      (p) => p.label.color === "n/a" && p.label.type !== "n/a",
    );
    const typeNa = share(
      (p) => hidden(p) || ["curly", "updo", "buzz"].includes(p.truth.type),
      (p) => p.label.type === "n/a" && p.label.color !== "n/a" && p.label.color !== "bald",
    );
    expect(bothNa).toBeGreaterThan(0.8);
    expect(colorNa).toBeGreaterThan(0.75);
    expect(typeNa).toBeGreaterThan(0.7);
  });

  it("keeps gender cues correlated but not decisive", () => {
    const beardMale = share(
      (p) => p.beard.kind !== "none",
      (p) => p.truth.gender === "male",
    );
    const beardFemale = share(
      (p) => p.beard.kind !== "none",
      (p) => p.truth.gender === "female",
    );
    expect(beardMale).toBeGreaterThan(0.4);
    expect(beardMale).toBeLessThan(0.75);
    expect(beardFemale).toBeLessThan(0.03);
  });
});

describe("renderPortrait", () => {
  it("renders varied, non-blank images deterministically", () => {
    const a = renderPortrait({ seed: 1, ordinal: 7, gender: 0, color: 3, type: 1 }).pixels.slice();
    const b = renderPortrait({ seed: 1, ordinal: 7, gender: 0, color: 3, type: 1 }).pixels.slice();
    const c = renderPortrait({ seed: 1, ordinal: 8, gender: 0, color: 3, type: 1 }).pixels.slice();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    let min = 255,
      max = 0;
    for (const v of a) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(max - min).toBeGreaterThan(100);
  });
});
