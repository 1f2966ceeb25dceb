import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { closeDb } from "../db/client";
import { resetEnvCache } from "../env";
import { describeEachEngine } from "../../test-support/test-db";
import { getChallengeOverview } from "./get-challenge-overview";

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date("2026-06-15T12:00:00Z");
const emptyDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-overview-"));
const saved = {
  DATA_DIR: process.env.DATA_DIR,
  DATABASE_URL: process.env.DATABASE_URL,
  DAILY_SUBMISSION_LIMIT: process.env.DAILY_SUBMISSION_LIMIT,
};

afterAll(async () => {
  await closeDb();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetEnvCache();
  fs.rmSync(emptyDataDir, { recursive: true, force: true });
});

describeEachEngine("getChallengeOverview", (t) => {
  beforeAll(() => {
    process.env.DATABASE_URL = t.url;
    process.env.DATA_DIR = emptyDataDir;
    process.env.DAILY_SUBMISSION_LIMIT = "7";
    resetEnvCache();
  });
  beforeEach(async () => {
    await t.db.phase.deleteMany();
  });

  it("without a phase or a dataset: empty timeline, the environment's limit, 2 finals", async () => {
    const overview = await getChallengeOverview({ now: NOW });
    expect(overview.dataset).toBeNull();
    expect(overview.timeline.phases).toEqual([]);
    expect(overview.rules).toEqual({
      dailyLimit: 7,
      maxFinal: 2,
      privateRevealed: false,
      phaseName: null,
      submissionsOpen: false,
      acceptedKinds: ["csv", "model"],
      teamSizeCap: 5,
    });
  });

  it("uses the current phase's limits: the running one's, else the next one's (submissions closed until it opens)", async () => {
    await t.db.phase.create({
      data: { name: "Main", startsAt: new Date(NOW.getTime() - DAY), endsAt: new Date(NOW.getTime() + DAY), dailyLimit: 3, maxFinal: 1 },
    });
    const running = await getChallengeOverview({ now: NOW });
    expect(running.rules).toEqual({
      dailyLimit: 3,
      maxFinal: 1,
      privateRevealed: false,
      phaseName: "Main",
      submissionsOpen: true,
      acceptedKinds: ["csv", "model"],
      teamSizeCap: 5,
    });
    expect(running.timeline.current).toMatchObject({ name: "Main", status: "running", msRemaining: DAY });

    const before = await getChallengeOverview({ now: new Date(NOW.getTime() - 2 * DAY) });
    expect(before.timeline.current?.status).toBe("upcoming");
    expect(before.rules).toMatchObject({ dailyLimit: 3, phaseName: "Main", submissionsOpen: false });
  });
});
