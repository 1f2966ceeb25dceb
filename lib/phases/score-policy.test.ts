import { describe, expect, it } from "vitest";
import type { Phase } from "../db/client";
import { roundToStep, scorePolicyAt } from "./score-policy";
import { showPublicScores } from "./show-public-scores";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;
const phase = (extra: Partial<Phase> = {}) => ({
  startsAt: new Date(NOW.getTime() - DAY),
  endsAt: new Date(NOW.getTime() + DAY),
  privateRevealed: false,
  scoreVisibility: "rounded",
  ladderStep: 0.0001,
  ...extra,
});
const entries = (...mains: number[]) => mains.map((main, i) => ({ id: `s${i}`, main }));

describe("score policy", () => {
  it("rounds to the step without binary tails", () => {
    expect(roundToStep(0.123456, 0.0001)).toBe(0.1235);
    expect(roundToStep(0.7, 0.01)).toBe(0.7);
    expect(roundToStep(0.30000000000000004, 0.1)).toBe(0.3);
    expect(roundToStep(0.6666666, 0.005)).toBe(0.665);
    expect(String(roundToStep(0.123449, 0.0001))).toBe("0.1234");
  });

  it("is the current phase's setting until the reveal, exact after it, rounded to 4 decimals without a phase", () => {
    expect(scorePolicyAt({ phases: [], now: NOW })).toEqual({ kind: "rounded", step: 0.0001 });
    expect(scorePolicyAt({ phases: [phase()], now: NOW })).toEqual({ kind: "rounded", step: 0.0001 });
    expect(scorePolicyAt({ phases: [phase({ scoreVisibility: "ladder", ladderStep: 0.01 })], now: NOW })).toEqual({
      kind: "ladder",
      step: 0.01,
    });
    expect(scorePolicyAt({ phases: [phase({ scoreVisibility: "ladder", privateRevealed: true })], now: NOW })).toEqual({ kind: "exact" });
    expect(scorePolicyAt({ phases: [phase({ scoreVisibility: "ladder", endsAt: NOW })], now: NOW })).toEqual({ kind: "exact" });
    // An unknown stored value falls back to rounding, never to exact.
    expect(scorePolicyAt({ phases: [phase({ scoreVisibility: "bogus", ladderStep: 0 })], now: NOW })).toEqual({
      kind: "rounded",
      step: 0.0001,
    });
  });
});

describe("showPublicScores", () => {
  it("Ladder: shows a new score only when it beats the shown best by more than the step, rounded to the step", () => {
    const shown = showPublicScores({
      policy: { kind: "ladder", step: 0.01 },
      entries: entries(0.5012, 0.5099, 0.5113, 0.49, 0.6049, 0.6101),
    });
    expect([...shown.values()].map((s) => [s.shown, s.fresh])).toEqual([
      [0.5, true], // first: always shown, rounded
      [0.5, false], // +0.0087 over 0.50: not more than the step
      [0.51, true], // +0.0113
      [0.51, false], // worse: the best repeats
      [0.6, true],
      [0.61, true], // 0.6101 beats the shown 0.60 (not the exact 0.6049) by more than 0.01
    ]);
  });

  it("a probe that moves the score by less than the step changes nothing the participant sees", () => {
    const policy = { kind: "ladder", step: 0.005 } as const;
    const base = showPublicScores({ policy, entries: entries(0.7012, 0.7013) });
    const probe = showPublicScores({ policy, entries: entries(0.7012, 0.7009) });
    expect([...base.values()]).toEqual([...probe.values()]);
  });

  it("rounded: every entry shows its own rounded score; exact: untouched", () => {
    expect(
      [...showPublicScores({ policy: { kind: "rounded", step: 0.0001 }, entries: entries(0.123456, 0.1) }).values()].map((s) => s.shown),
    ).toEqual([0.1235, 0.1]);
    expect([...showPublicScores({ policy: { kind: "exact" }, entries: entries(0.123456) }).values()].map((s) => s.shown)).toEqual([
      0.123456,
    ]);
  });
});
