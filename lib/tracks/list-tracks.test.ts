import { describe, expect, it } from "vitest";
import { isJobTypeName } from "../queue/job-types";
import { findTrack, findTrackKind, getTrack, TRACKS } from "./list-tracks";

describe("track registry", () => {
  it("has the attributes and generation tracks with distinct ids", () => {
    expect(TRACKS.map((t) => t.id)).toEqual(["attributes", "generation"]);
    expect(getTrack("attributes").higherIsBetter).toBe(true);
    expect(getTrack("generation").higherIsBetter).toBe(false);
  });

  it("names a registered job type as every track's handler", () => {
    for (const track of TRACKS) expect(isJobTypeName(track.handler), track.id).toBe(true);
  });

  it("lists the main metric among each track's metrics and default kinds among its kinds", () => {
    for (const track of TRACKS) {
      expect(track.metrics.map((m) => m.key)).toContain(track.mainMetric);
      for (const k of track.defaultKinds) expect(track.kinds.map((x) => x.kind)).toContain(k);
    }
  });

  it("keeps today's kinds on attributes and flags uploaded images on generation", () => {
    expect(findTrackKind("attributes", "csv")?.runsModel).toBe(false);
    expect(findTrackKind("attributes", "model")?.runsModel).toBe(true);
    expect(findTrackKind("generation", "generator")?.runsModel).toBe(true);
    expect(findTrackKind("generation", "images")?.flag).toMatch(/cherry-picked/);
    expect(findTrackKind("generation", "csv")).toBeUndefined();
  });

  it("refuses unknown tracks and validates each track's phase settings", () => {
    expect(findTrack("music")).toBeUndefined();
    expect(() => getTrack("music")).toThrow(/unknown track "music"/);
    expect(getTrack("attributes").settingsSchema.safeParse(null).success).toBe(true);
    expect(getTrack("attributes").settingsSchema.safeParse({ x: 1 }).success).toBe(false);
    const gen = getTrack("generation").settingsSchema;
    expect(gen.parse({})).toMatchObject({ sampleCount: 10_000, seed: 1 });
    expect(gen.safeParse({ sampleCount: 5 }).success).toBe(false);
    expect(gen.safeParse({ featureNetworkSha256: "ABC" }).success).toBe(false);
  });
});
