import { beforeEach, describe, expect, it } from "vitest";
import type { Phase } from "../db/client";
import { env } from "../env";
import { describeEachEngine } from "../../test-support/test-db";
import { DEFAULT_PHASE_NAME, ensureDefaultPhase } from "./ensure-default-phase";
import { getCurrentPhase, pickCurrentPhase } from "./get-current-phase";
import { buildPhaseTimeline, getPhaseTimeline } from "./get-phase-timeline";
import { isPrivateRevealed } from "./is-private-revealed";
import { updatePhase } from "./update-phase";
import { appError } from "../../test-support/app-error-of";

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-06-15T12:00:00Z");
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

function phase(id: string, startDays: number, endDays: number, extra: Partial<Phase> = {}): Phase {
  return {
    id,
    name: id,
    startsAt: at(startDays),
    endsAt: at(endDays),
    dailyLimit: 5,
    maxFinal: 2,
    privateRevealed: false,
    scoreVisibility: "rounded",
    ladderStep: 0.0001,
    track: "attributes",
    acceptedKinds: "csv,model",
    teamSizeCap: 5,
    mergeDeadline: null,
    description: "",
    settings: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  };
}

describe("phase timeline (pure)", () => {
  it("prefers the running phase, then the next upcoming, then the last ended", () => {
    const ended = phase("ended", -30, -10);
    const running = phase("running", -5, 5);
    const upcoming = phase("upcoming", 10, 20);
    expect(pickCurrentPhase({ phases: [upcoming, ended, running], now: NOW })?.id).toBe("running");
    expect(pickCurrentPhase({ phases: [upcoming, ended, phase("later", 30, 40)], now: NOW })?.id).toBe("upcoming");
    expect(pickCurrentPhase({ phases: [ended, phase("older", -60, -40)], now: NOW })?.id).toBe("ended");
    expect(pickCurrentPhase({ phases: [], now: NOW })).toBeNull();
  });

  it("of two overlapping running phases picks the one that started last", () => {
    expect(pickCurrentPhase({ phases: [phase("late", -2, 5), phase("early", -9, 9)], now: NOW })?.id).toBe("late");
  });

  it("gives each phase its status and time left; the end instant belongs to 'ended'", () => {
    const timeline = buildPhaseTimeline({ phases: [phase("b", 10, 20), phase("a", -5, 5), phase("z", -30, -10)], now: NOW });
    expect(timeline.phases.map((p) => [p.id, p.status, p.msRemaining, p.isCurrent])).toEqual([
      ["z", "ended", 0, false],
      ["a", "running", 5 * DAY, true],
      ["b", "upcoming", 10 * DAY, false],
    ]);
    expect(timeline.current?.id).toBe("a");
    const atEnd = buildPhaseTimeline({ phases: [phase("a", -5, 0)], now: NOW });
    expect(atEnd.phases[0]).toMatchObject({ status: "ended", msRemaining: 0, isCurrent: true });
    const atStart = buildPhaseTimeline({ phases: [phase("a", 0, 5)], now: NOW });
    expect(atStart.phases[0]).toMatchObject({ status: "running", msRemaining: 5 * DAY });
  });

  it("reveals private scores when the phase has ended or an organizer revealed them early", () => {
    expect(isPrivateRevealed(null, NOW)).toBe(false);
    expect(isPrivateRevealed(phase("a", -30, 10), NOW)).toBe(false);
    expect(isPrivateRevealed(phase("a", -30, -10), NOW)).toBe(true);
    expect(isPrivateRevealed(phase("a", -30, 10, { privateRevealed: true }), NOW)).toBe(true);
  });
});

describeEachEngine("phases", (t) => {
  beforeEach(async () => {
    await t.db.phase.deleteMany();
    await t.db.siteSetting.deleteMany();
  });

  it("ensureDefaultPhase creates the 90-day development phase once", async () => {
    const first = await ensureDefaultPhase({ db: t.db, now: NOW, dailyLimit: 7 });
    expect(first.created).toBe(true);
    expect(first.phase).toMatchObject({
      name: DEFAULT_PHASE_NAME,
      startsAt: NOW,
      endsAt: at(90),
      dailyLimit: 7,
      maxFinal: 2,
      privateRevealed: false,
    });
    const again = await ensureDefaultPhase({ db: t.db, now: at(1) });
    expect(again.created).toBe(false);
    // With the generation track's default phase (ensure-default-phase.test.ts).
    expect(await t.db.phase.count({ where: { track: "attributes" } })).toBe(1);
  });

  it("ensureDefaultPhase leaves an instance with phases of its own alone, and concurrent calls add one phase", async () => {
    await t.db.phase.create({ data: { name: "Final phase", startsAt: at(-1), endsAt: at(1), dailyLimit: 3 } });
    expect((await ensureDefaultPhase({ db: t.db, now: NOW })).phase).toBeNull();
    expect(await t.db.phase.count({ where: { track: "attributes" } })).toBe(1);

    await t.db.phase.deleteMany();
    const results = await Promise.all([1, 2, 3].map(() => ensureDefaultPhase({ db: t.db, now: NOW })));
    expect(results.filter((r) => r.phase)).toHaveLength(1);
    expect(await t.db.phase.count({ where: { track: "attributes" } })).toBe(1);
  });

  it("ensureDefaultPhase takes the daily limit from DAILY_SUBMISSION_LIMIT by default", async () => {
    const { phase: created } = await ensureDefaultPhase({ db: t.db, now: NOW });
    expect(created?.dailyLimit).toBe(env().DAILY_SUBMISSION_LIMIT);
  });

  it("getCurrentPhase and getPhaseTimeline read the rows", async () => {
    await t.db.phase.create({ data: { id: "p1", name: "One", startsAt: at(-10), endsAt: at(-1), dailyLimit: 5 } });
    await t.db.phase.create({ data: { id: "p2", name: "Two", startsAt: at(2), endsAt: at(9), dailyLimit: 5 } });
    expect((await getCurrentPhase({ db: t.db, now: NOW }))?.id).toBe("p2");
    const timeline = await getPhaseTimeline({ db: t.db, now: NOW });
    expect(timeline.phases.map((p) => p.status)).toEqual(["ended", "upcoming"]);
    expect(timeline.current?.id).toBe("p2");
    // A generation phase opened at the same instant as the main one does not become current.
    await t.db.phase.create({ data: { id: "p3", name: "Main", startsAt: at(-1), endsAt: at(9), dailyLimit: 5 } });
    await t.db.phase.create({
      data: { id: "p4", name: "Generation", track: "generation", startsAt: at(-1), endsAt: at(9), dailyLimit: 5 },
    });
    expect((await getCurrentPhase({ db: t.db, now: NOW }))?.id).toBe("p3");
  });

  it("updatePhase changes dates, limits and the reveal, and refuses invalid settings field by field", async () => {
    const { phase: p } = await ensureDefaultPhase({ db: t.db, now: NOW });
    const id = p!.id;
    const updated = await updatePhase({
      db: t.db,
      phaseId: id,
      input: {
        startsAt: at(-1).toISOString(),
        endsAt: "2026-07-01T00:00:00+02:00",
        dailyLimit: 0,
        confirmClosed: true,
        maxFinal: 3,
        privateRevealed: true,
        name: " Final ",
      },
    });
    expect(updated).toMatchObject({
      name: "Final",
      startsAt: at(-1),
      endsAt: new Date("2026-06-30T22:00:00Z"),
      dailyLimit: 0,
      maxFinal: 3,
      privateRevealed: true,
    });

    const bad = await appError(
      updatePhase({ db: t.db, phaseId: id, input: { dailyLimit: -1, maxFinal: 0, startsAt: "tomorrow", extra: 1 } }),
    );
    expect(bad.code).toBe("validation");
    expect(bad.details?.map((d) => d.field).sort()).toEqual(["", "dailyLimit", "maxFinal", "startsAt"]);
    // Every problem at once: a wrong limit and the end before the start.
    const both = await appError(updatePhase({ db: t.db, phaseId: id, input: { dailyLimit: -1, endsAt: at(-3).toISOString() } }));
    expect(both.details?.map((d) => d.field).sort()).toEqual(["dailyLimit", "endsAt"]);

    // Only the end moved, but before the existing start: checked on the merged result.
    const before = await appError(updatePhase({ db: t.db, phaseId: id, input: { endsAt: at(-2).toISOString() } }));
    expect(before.details).toEqual([{ field: "endsAt", message: "must be after the start" }]);
    expect(await appError(updatePhase({ db: t.db, phaseId: id, input: { startsAt: null } }))).toMatchObject({ code: "validation" });
    expect(await appError(updatePhase({ db: t.db, phaseId: "missing", input: { dailyLimit: 1 } }))).toMatchObject({ code: "not-found" });
    expect(await t.db.phase.findUnique({ where: { id } })).toMatchObject({ dailyLimit: 0, endsAt: new Date("2026-06-30T22:00:00Z") });
  });
});

describeEachEngine("phase score visibility", (t) => {
  it("updatePhase sets rounded or the Ladder and its step, and refuses other values", async () => {
    await t.db.phase.deleteMany();
    const { phase: p } = await ensureDefaultPhase({ db: t.db, now: NOW });
    expect(p).toMatchObject({ scoreVisibility: "rounded", ladderStep: 0.0001 });
    expect(await updatePhase({ db: t.db, phaseId: p!.id, input: { scoreVisibility: "ladder", ladderStep: 0.005 } })).toMatchObject({
      scoreVisibility: "ladder",
      ladderStep: 0.005,
    });
    const bad = await appError(updatePhase({ db: t.db, phaseId: p!.id, input: { scoreVisibility: "exact", ladderStep: 0 } }));
    expect(bad.details?.map((d) => d.field).sort()).toEqual(["ladderStep", "scoreVisibility"]);
    expect(await appError(updatePhase({ db: t.db, phaseId: p!.id, input: { ladderStep: "0.01" } }))).toMatchObject({ code: "validation" });
  });
});

describe("phase time formatting", () => {
  it("writes UTC times and coarse durations", async () => {
    const { formatDuration, formatUtc, formatUtcInput, parseUtcInput } = await import("./format-phase-time");
    // Seconds kept, one format for reading and typing.
    expect(formatUtc(new Date("2026-02-03T04:05:59Z"))).toBe("2026-02-03 04:05:59 UTC");
    expect(formatUtcInput(new Date("2026-02-03T04:05:59.900Z"))).toBe("2026-02-03 04:05:59");
    expect(parseUtcInput("2026-02-03 04:05:59")).toEqual(new Date("2026-02-03T04:05:59Z"));
    expect(parseUtcInput(" 2026-02-03T04:05:59 UTC ")).toEqual(new Date("2026-02-03T04:05:59Z"));
    expect(parseUtcInput("2026-02-03 04:05")).toEqual(new Date("2026-02-03T04:05:00Z"));
    for (const bad of ["2026-02-30 00:00:00", "2026-02-03 24:00:00", "2026-02-03 04:60:00", "03/02/2026 04:05", "tomorrow", ""]) {
      expect(parseUtcInput(bad), bad).toBeNull();
    }
    expect(formatDuration(90 * DAY - 60_000)).toBe("89 days, 23 hours");
    expect(formatDuration(DAY)).toBe("1 day");
    expect(formatDuration(5 * 3600_000 + 12 * 60_000)).toBe("5 hours, 12 minutes");
    expect(formatDuration(60_000)).toBe("1 minute");
    expect(formatDuration(59_000)).toBe("less than a minute");
    expect(formatDuration(-5)).toBe("less than a minute");
  });
});
