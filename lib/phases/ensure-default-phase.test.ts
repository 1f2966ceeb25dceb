import { beforeEach, expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import {
  DEFAULT_GENERATION_PHASE_ID,
  DEFAULT_GENERATION_PHASE_NAME,
  DEFAULT_GENERATION_PHASE_SETTING,
  DEFAULT_PHASE_ID,
  ensureDefaultPhase,
} from "./ensure-default-phase";
import { findRunningPhase } from "./find-running-phase";

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-06-15T12:00:00Z");
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

describeEachEngine("ensureDefaultPhase: one default phase per track", (t) => {
  beforeEach(async () => {
    await t.db.phase.deleteMany();
    await t.db.siteSetting.deleteMany();
  });

  it("a fresh instance gets an attributes and a generation phase, each running now, with fixed ids", async () => {
    const result = await ensureDefaultPhase({ db: t.db, now: NOW, dailyLimit: 4 });
    expect(result.created).toBe(true);
    expect(result.phase).toMatchObject({ id: DEFAULT_PHASE_ID, track: "attributes", acceptedKinds: "csv,model" });
    expect(result.generationPhase).toMatchObject({
      id: DEFAULT_GENERATION_PHASE_ID,
      name: DEFAULT_GENERATION_PHASE_NAME,
      track: "generation",
      acceptedKinds: "generator,images",
      startsAt: NOW,
      endsAt: at(90),
      dailyLimit: 4,
      maxFinal: 2,
    });
    expect((await findRunningPhase({ db: t.db, track: "generation", now: at(1) }))?.id).toBe(DEFAULT_GENERATION_PHASE_ID);
    expect((await findRunningPhase({ db: t.db, track: "attributes", now: at(1) }))?.id).toBe(DEFAULT_PHASE_ID);

    const again = await ensureDefaultPhase({ db: t.db, now: at(2) });
    expect(again).toEqual({ created: false, phase: null, generationPhase: null });
    expect(await t.db.phase.count()).toBe(2);
  });

  it("an instance with only attributes phases gets the generation phase once; deleted, it does not come back", async () => {
    await t.db.phase.create({ data: { id: "own", name: "Final phase", startsAt: at(-1), endsAt: at(1), dailyLimit: 3 } });
    const upgraded = await ensureDefaultPhase({ db: t.db, now: NOW });
    expect(upgraded.phase).toBeNull();
    expect(upgraded.generationPhase?.id).toBe(DEFAULT_GENERATION_PHASE_ID);
    expect((await t.db.siteSetting.findUnique({ where: { key: DEFAULT_GENERATION_PHASE_SETTING } }))?.value).toMatchObject({
      createdPhaseId: DEFAULT_GENERATION_PHASE_ID,
    });

    // The organizer deletes it: the next restarts leave the instance without one.
    await t.db.phase.delete({ where: { id: DEFAULT_GENERATION_PHASE_ID } });
    for (const day of [1, 2]) expect((await ensureDefaultPhase({ db: t.db, now: at(day) })).created).toBe(false);
    expect(await t.db.phase.findMany({ select: { id: true } })).toEqual([{ id: "own" }]);
  });

  it("an instance whose organizer already made a generation phase is only marked", async () => {
    await t.db.phase.create({ data: { id: "a", name: "A", startsAt: at(-1), endsAt: at(1), dailyLimit: 3 } });
    await t.db.phase.create({
      data: { id: "g", name: "G", track: "generation", acceptedKinds: "generator", startsAt: at(-1), endsAt: at(1), dailyLimit: 3 },
    });
    expect(await ensureDefaultPhase({ db: t.db, now: NOW })).toEqual({ created: false, phase: null, generationPhase: null });
    expect(await t.db.phase.count()).toBe(2);
    expect((await t.db.siteSetting.findUnique({ where: { key: DEFAULT_GENERATION_PHASE_SETTING } }))?.value).toMatchObject({
      createdPhaseId: null,
      existingPhaseId: "g",
    });
  });

  it("concurrent starts on one database add one phase per track", async () => {
    const results = await Promise.all([1, 2, 3].map(() => ensureDefaultPhase({ db: t.db, now: NOW })));
    expect(results.filter((r) => r.phase)).toHaveLength(1);
    expect(results.filter((r) => r.generationPhase)).toHaveLength(1);
    expect(await t.db.phase.count({ where: { track: "attributes" } })).toBe(1);
    expect(await t.db.phase.count({ where: { track: "generation" } })).toBe(1);
    expect(await t.db.siteSetting.count({ where: { key: DEFAULT_GENERATION_PHASE_SETTING } })).toBe(1);
  });
});
