import { describe, expect, it } from "vitest";
import { timeAxisTicks } from "./time-axis-ticks";

const t = (iso: string) => Date.parse(iso);

describe("timeAxisTicks", () => {
  it("labels a short range with the date and the time, at round steps", () => {
    const axis = timeAxisTicks({ start: t("2025-12-02T12:07:00Z"), end: t("2025-12-02T16:50:00Z") });
    expect(axis.ticks.map(axis.label)).toEqual(["2 Dec 13:00", "2 Dec 14:00", "2 Dec 15:00", "2 Dec 16:00"]);
  });
  it("every label differs even within one day (never 12-02 12-02 12-02)", () => {
    const axis = timeAxisTicks({ start: t("2025-12-02T14:01:00Z"), end: t("2025-12-02T14:29:00Z") });
    const labels = axis.ticks.map(axis.label);
    expect(labels).toEqual(["2 Dec 14:10", "2 Dec 14:20"]);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.length).toBeLessThanOrEqual(6);
  });
  it("labels a range of weeks with dates only, at midnights", () => {
    const axis = timeAxisTicks({ start: t("2025-11-03T09:00:00Z"), end: t("2025-11-20T09:00:00Z") });
    expect(axis.ticks.map(axis.label)).toEqual(["4 Nov", "11 Nov", "18 Nov"]);
  });
  it("adds the year when the range crosses one", () => {
    const axis = timeAxisTicks({ start: t("2025-12-30T00:00:00Z"), end: t("2026-01-02T00:00:00Z") });
    expect(axis.ticks.map(axis.label)[0]).toBe("30 Dec 2025");
    expect(axis.ticks.map(axis.label).at(-1)).toBe("2 Jan 2026");
  });
  it("a range of a few minutes gets minute ticks; one shorter than a round step labels its two ends", () => {
    const minutes = timeAxisTicks({ start: t("2025-12-02T14:01:30Z"), end: t("2025-12-02T14:04:10Z") });
    expect(minutes.ticks.map(minutes.label)).toEqual(["2 Dec 14:02", "2 Dec 14:03", "2 Dec 14:04"]);
    const seconds = timeAxisTicks({ start: t("2025-12-02T14:01:10Z"), end: t("2025-12-02T14:01:50Z") });
    expect(seconds.ticks).toEqual([t("2025-12-02T14:01:10Z"), t("2025-12-02T14:01:50Z")]);
    expect(seconds.ticks.map(seconds.label)).toEqual(["2 Dec 14:01:10", "2 Dec 14:01:50"]);
  });
  it("copes with an empty range", () => {
    const at = t("2025-12-02T14:03:00Z");
    const axis = timeAxisTicks({ start: at, end: at });
    expect(axis.ticks.length).toBeGreaterThanOrEqual(1);
  });
});
