import { beforeAll, beforeEach, expect, it } from "vitest";
import type { Dataset } from "../db/client";
import { describeEachEngine } from "../../test-support/test-db";
import { disqualifySubmission } from "./disqualify-submission";
import { getOrganizerStats } from "./get-organizer-stats";
import { listDownloadLogs } from "./list-download-logs";
import { listRecentSubmissions } from "./list-recent-submissions";
import { reinstateSubmission } from "./reinstate-submission";
import { rescoreSubmission } from "./rescore-submission";
import { createFixtureDatasetRow, createFixtureSubmission, createFixtureUser } from "../../test-support/organizer/organizer-fixtures";
import { appError } from "../../test-support/app-error-of";

describeEachEngine("organizer operations", (t) => {
  let dataset: Dataset;
  beforeAll(async () => {
    dataset = await createFixtureDatasetRow({ db: t.db });
  });
  beforeEach(async () => {
    await t.db.job.deleteMany();
    await t.db.downloadLog.deleteMany();
    await t.db.submission.deleteMany();
  });
  const submission = async (status: "queued" | "running" | "scored" | "failed" = "scored") => {
    const user = await createFixtureUser({ db: t.db });
    return createFixtureSubmission({ db: t.db, userId: user.id, datasetId: dataset.id, status });
  };

  it("rescore queues one job for a scored submission and returns it again while it is pending", async () => {
    const s = await submission("scored");
    await t.db.job.create({
      data: { type: "score-submission", payload: { submissionId: s.id }, submissionId: s.id, status: "done", idempotencyKey: s.id },
    });

    const first = await rescoreSubmission({ db: t.db, submissionId: s.id });
    expect(first).toMatchObject({
      alreadyPending: false,
      job: { type: "score-submission", status: "queued", payload: { submissionId: s.id } },
    });
    const second = await rescoreSubmission({ db: t.db, submissionId: s.id });
    expect(second).toMatchObject({ alreadyPending: true, job: { id: first.job.id } });
    // Still on the leaderboard with its old score until the new one lands.
    expect(await t.db.submission.findUnique({ where: { id: s.id }, include: { score: true } })).toMatchObject({
      status: "scored",
      score: { publicMain: 0.5 },
    });

    // Once that job is done, a rescore is a new job again.
    await t.db.job.update({ where: { id: first.job.id }, data: { status: "done" } });
    const third = await rescoreSubmission({ db: t.db, submissionId: s.id });
    expect(third.alreadyPending).toBe(false);
    expect(third.job.id).not.toBe(first.job.id);
    expect(await t.db.job.count({ where: { submissionId: s.id } })).toBe(3);
  });

  it("concurrent rescores of one submission add one job", async () => {
    const s = await submission("scored");
    const results = await Promise.all([1, 2, 3, 4].map(() => rescoreSubmission({ db: t.db, submissionId: s.id })));
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(await t.db.job.count({ where: { submissionId: s.id } })).toBe(1);
  });

  it("rescore puts a failed submission back in the queue without its old error or a quota charge", async () => {
    const s = await submission("failed");
    await rescoreSubmission({ db: t.db, submissionId: s.id });
    expect(await t.db.submission.findUnique({ where: { id: s.id } })).toMatchObject({
      status: "queued",
      errorMessage: null,
      failureKind: null,
      countsAgainstQuota: false,
    });
    expect(await appError(rescoreSubmission({ db: t.db, submissionId: "missing" }))).toMatchObject({ code: "not-found" });
  });

  it("disqualify needs a reason, keeps the first date on a second call, and reinstate clears it", async () => {
    const s = await submission("scored");
    const noReason = await appError(disqualifySubmission({ db: t.db, submissionId: s.id, input: { reason: "  " } }));
    expect(noReason).toMatchObject({ code: "validation" });
    expect(noReason.details?.[0]?.field).toBe("reason");

    const when = new Date("2026-03-01T10:00:00Z");
    const d1 = await disqualifySubmission({ db: t.db, submissionId: s.id, input: { reason: "Used CelebA labels" }, now: when });
    expect(d1).toMatchObject({ disqualifiedAt: when, disqualifiedReason: "Used CelebA labels" });
    const d2 = await disqualifySubmission({ db: t.db, submissionId: s.id, input: { reason: "Used CelebA attribute labels" } });
    expect(d2).toMatchObject({ disqualifiedAt: when, disqualifiedReason: "Used CelebA attribute labels" });

    const r = await reinstateSubmission({ db: t.db, submissionId: s.id });
    expect(r).toMatchObject({ disqualifiedAt: null, disqualifiedReason: null, status: "scored" });
    expect(await reinstateSubmission({ db: t.db, submissionId: s.id })).toMatchObject({ disqualifiedAt: null });
    expect(await appError(disqualifySubmission({ db: t.db, submissionId: "missing", input: { reason: "abc" } }))).toMatchObject({
      code: "not-found",
    });
    expect(await appError(reinstateSubmission({ db: t.db, submissionId: "missing" }))).toMatchObject({ code: "not-found" });
  });

  it("lists recent submissions with a pending flag, and counts the queue", async () => {
    const now = new Date();
    const scored = await submission("scored");
    const queued = await submission("queued");
    await t.db.job.create({
      data: {
        type: "score-submission",
        payload: { submissionId: queued.id },
        submissionId: queued.id,
        createdAt: new Date(now.getTime() - 60_000),
      },
    });
    await t.db.job.create({
      data: { type: "score-submission", payload: { submissionId: scored.id }, submissionId: scored.id, status: "failed", finishedAt: now },
    });
    await t.db.job.create({
      data: {
        type: "score-submission",
        payload: { submissionId: scored.id },
        status: "running",
        leaseExpiresAt: new Date(now.getTime() - 1000),
      },
    });

    const rows = await listRecentSubmissions({ db: t.db });
    expect(rows.map((r) => r.id)).toEqual([queued.id, scored.id]);
    expect(rows[0]).toMatchObject({ status: "queued", scoringPending: true, publicMain: null });
    expect(rows[1]).toMatchObject({ status: "scored", scoringPending: false, publicMain: 0.5, privateMain: 0.4 });
    expect((await listRecentSubmissions({ db: t.db, query: { status: "scored" } })).map((r) => r.id)).toEqual([scored.id]);

    const stats = await getOrganizerStats({ db: t.db, now });
    expect(stats.jobs).toEqual({ queued: 1, running: 1, failed: 1, failedLast24h: 1, expiredLeases: 1 });
    expect(stats.oldestQueuedAgeMs).toBe(60_000);
    expect(stats.submissionsToday).toBe(2);
    expect(stats.participants).toBeGreaterThanOrEqual(2);
    expect(stats.modelSandbox).toBeNull();
  });

  it("shows how isolated the latest scored model run was, from its log's summary line", async () => {
    const user = await createFixtureUser({ db: t.db });
    const model = (log: string, scoredAt: Date) =>
      createFixtureSubmission({
        db: t.db,
        userId: user.id,
        datasetId: dataset.id,
        status: "scored",
        extra: { kind: "model", log, scoredAt },
      });
    await model(
      "[scorer] 400 images with onnxruntime in 0.10 s (4000 images/s); model load 0.05 s, total 0.4 s; isolation: full\n",
      new Date(Date.now() - 60_000),
    );
    const partial = "partial: bubblewrap is not installed (as root: apt-get install -y bubblewrap); the model runs as uid 0";
    await model(
      `[scorer] 400 images with onnxruntime in 0.10 s (4000 images/s); model load 0.05 s, total 0.4 s; isolation: ${partial}\nmodel output`,
      new Date(),
    );
    expect((await getOrganizerStats({ db: t.db })).modelSandbox).toMatchObject({ isolation: partial });
  });

  it("lists download logs newest first with the file and bytes", async () => {
    const user = await createFixtureUser({ db: t.db });
    const file = await t.db.datasetFile.create({
      data: {
        datasetId: dataset.id,
        name: `train-${Date.now()}.zip`,
        kind: "train-archive",
        sizeBytes: 5_000_000_000n,
        sha256: "a".repeat(64),
      },
    });
    await t.db.downloadLog.create({
      data: { userId: user.id, datasetFileId: file.id, bytesServed: 1234n, createdAt: new Date(Date.now() - 1000) },
    });
    await t.db.downloadLog.create({
      data: { userId: user.id, datasetFileId: file.id, bytesServed: 4_000_000_000n, rangeHeader: "bytes=1234-" },
    });
    const logs = await listDownloadLogs({ db: t.db });
    expect(logs.map((l) => [l.user.email, l.fileName, l.bytesServed, l.rangeHeader])).toEqual([
      [user.email, file.name, 4_000_000_000, "bytes=1234-"],
      [user.email, file.name, 1234, null],
    ]);
    expect(logs[0]?.fileSize).toBe(5_000_000_000);
  });
});
