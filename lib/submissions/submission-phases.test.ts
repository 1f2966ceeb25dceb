import fs from "node:fs";
import { beforeAll, beforeEach, expect, it } from "vitest";
import { appError } from "../../test-support/app-error-of";
import {
  clearSubmissions,
  createTestUser,
  storedUploadFiles,
  registerFixtureDataset,
  uploadFixtureCsv,
} from "../../test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "../../test-support/scoring/set-up-scoring-fixture";
import { describeEachEngine } from "../../test-support/test-db";
import { uploadsDir } from "../storage/local-disk-blob-store";
import type { CreateSubmissionOptions } from "./create-submission";
import { getSubmissionQuota } from "./get-submission-quota";
import { selectFinalSubmissions } from "./select-final-submissions";

const fixture = setUpScoringFixture({ count: 120 });
const NOW = new Date("2026-06-15T12:00:00Z");
const H = 3_600_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * H);

describeEachEngine("submissions belong to a phase", (t) => {
  const submit = (extra: Partial<CreateSubmissionOptions> & { userId: string }) =>
    uploadFixtureCsv({ db: t.db, fixture, now: NOW, ...extra });
  const phase = (name: string, from: number, to: number, extra: { dailyLimit?: number; acceptedKinds?: string; maxFinal?: number } = {}) =>
    t.db.phase.create({ data: { name, startsAt: at(from), endsAt: at(to), dailyLimit: 2, ...extra } });

  beforeAll(async () => {
    await registerFixtureDataset({ db: t.db, fixture });
  });
  beforeEach(async () => {
    await clearSubmissions({ db: t.db });
    fs.rmSync(uploadsDir(fixture.dataDir), { recursive: true, force: true });
  });

  it("tags the submission with the phase running at upload", async () => {
    await phase("Earlier", -48, -24);
    const running = await phase("Running", -1, 5);
    const user = await createTestUser({ db: t.db });
    const { submission, quota } = await submit({ userId: user.id });
    expect(submission).toMatchObject({ phaseId: running.id, track: "attributes" });
    expect(quota).toMatchObject({ limit: 2, used: 1, remaining: 1, phase: { id: running.id, name: "Running" } });
  });

  it("refuses an upload when no phase runs, naming the next one, and stores nothing", async () => {
    const user = await createTestUser({ db: t.db });
    const none = await appError(submit({ userId: user.id }));
    expect(none).toMatchObject({ code: "conflict", userMessage: "No phase is open for submissions right now, and none is scheduled." });
    await phase("Final", 2, 10);
    const between = await appError(submit({ userId: user.id }));
    expect(between.code).toBe("conflict");
    expect(between.userMessage).toBe(
      'No phase is open for submissions right now. The next one, "Final", opens on 2026-06-15 14:00:00 UTC.',
    );
    expect(await t.db.submission.count()).toBe(0);
    expect(storedUploadFiles(fixture.dataDir)).toEqual([]);
    expect(await getSubmissionQuota({ db: t.db, userId: user.id, now: NOW })).toMatchObject({ limit: 0, remaining: 0, phase: null });
  });

  it("refuses a kind the phase does not accept, naming the accepted ones, and a closed phase", async () => {
    const p = await phase("Models only", -1, 5, { acceptedKinds: "model" });
    const user = await createTestUser({ db: t.db });
    const refused = await appError(submit({ userId: user.id }));
    expect(refused.code).toBe("validation");
    expect(refused.userMessage).toBe('"Models only" accepts only models: this predictions CSV was not accepted. Nothing was stored.');
    expect(refused.details).toEqual([{ field: "kind", message: "this phase accepts: model" }]);
    expect(await t.db.submission.count()).toBe(0);
    expect(storedUploadFiles(fixture.dataDir)).toEqual([]);

    await t.db.phase.update({ where: { id: p.id }, data: { acceptedKinds: "csv,model", dailyLimit: 0 } });
    const closed = await appError(submit({ userId: user.id }));
    expect(closed).toMatchObject({ code: "conflict" });
    expect(closed.userMessage).toContain("daily limit to 0");
    expect(await t.db.submission.count()).toBe(0);
  });

  it("counts the quota per phase: a phase starting later the same day opens with its own limit", async () => {
    const first = await phase("First", -10, 1, { dailyLimit: 2 });
    await phase("Second", 1, 20, { dailyLimit: 1 });
    const user = await createTestUser({ db: t.db });
    await submit({ userId: user.id });
    await submit({ userId: user.id });
    expect((await appError(submit({ userId: user.id }))).code).toBe("quota-exceeded");

    // Two hours later, same UTC day: the second phase runs, its own count starts at 0.
    const later = at(2);
    const { submission, quota } = await submit({ userId: user.id, now: later });
    expect(submission.phaseId).not.toBe(first.id);
    expect(quota).toMatchObject({ limit: 1, used: 1, remaining: 0, phase: { name: "Second" } });
    expect((await appError(submit({ userId: user.id, now: later }))).userMessage).toContain("all 1 submissions");
    expect(await t.db.submission.count({ where: { phaseId: first.id } })).toBe(2);
  });

  it("takes final picks among the current phase's entries only", async () => {
    const old = await phase("Old", -48, -24, { maxFinal: 2 });
    const running = await phase("Running", -1, 5, { maxFinal: 2 });
    const user = await createTestUser({ db: t.db });
    const { submission: mine } = await submit({ userId: user.id });
    await t.db.submission.update({ where: { id: mine.id }, data: { status: "scored" } });
    const past = await t.db.submission.create({
      data: {
        userId: user.id,
        datasetId: mine.datasetId,
        kind: "csv",
        status: "scored",
        fileKey: "submissions/x/old",
        fileName: "old.csv",
        fileSize: 1,
        sha256: "0".repeat(64),
        phaseId: old.id,
        isFinal: true,
        createdAt: at(-30),
      },
    });
    const err = await appError(selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: [past.id] }, now: NOW }));
    expect(err.details).toEqual([{ field: "submissionIds", message: `submission ${past.id} was not made in Running` }]);
    await selectFinalSubmissions({ db: t.db, userId: user.id, input: { submissionIds: [mine.id] }, now: NOW });
    // The old phase's pick stands: a selection replaces only its own phase's picks.
    const flags = await t.db.submission.findMany({ where: { userId: user.id }, select: { phaseId: true, isFinal: true } });
    expect(flags.sort((a, b) => (a.phaseId === running.id ? 1 : -1) - (b.phaseId === running.id ? 1 : -1))).toEqual([
      { phaseId: old.id, isFinal: true },
      { phaseId: running.id, isFinal: true },
    ]);
  });

  it("lets organizers submit between phases (no phase) without a limit", async () => {
    const organizer = await createTestUser({ db: t.db, role: "organizer" });
    const { submission } = await submit({ userId: organizer.id });
    expect(submission).toMatchObject({ phaseId: null, countsAgainstQuota: false });
  });
});
