import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { computeScores } from "@/lib/metrics/compute-scores";
import { parsePredictionsCsv } from "@/lib/submissions/parse-predictions-csv";
import { makeManifest, writeOnnxBundle, zipFolder } from "@/test-support/models/model-fixtures";
import { enqueueJob } from "@/lib/queue/enqueue-job";
import { createTestUser, predictionsCsv, registerFixtureDataset } from "@/test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "@/test-support/scoring/set-up-scoring-fixture";
import { createSubmission } from "@/lib/submissions/create-submission";
import { getSubmissionQuota } from "@/lib/submissions/get-submission-quota";
import { createLocalDiskBlobStore, uploadsDir } from "@/lib/storage/local-disk-blob-store";
import { describeEachEngine } from "@/test-support/test-db";
import { runWorkerUntil } from "@/test-support/scorer/run-worker-until";

// The worker in this process, end to end: upload -> queue -> score -> Score row. Several
// worker processes, SIGKILL and SIGTERM: worker-processes.test.ts.

const fixture = setUpScoringFixture({ count: 150, seed: 11 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tp-worker-"));
const bundles: Record<"good" | "nan", Buffer> = {} as never;

beforeAll(async () => {
  for (const kind of ["good", "nan"] as const) {
    const dir = path.join(tmp, kind);
    writeOnnxBundle(dir, { manifest: makeManifest("onnx"), heads: "separate", fault: kind === "nan" ? "nan" : undefined });
    bundles[kind] = zipFolder(dir);
  }
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describeEachEngine("scorer worker", (t) => {
  beforeAll(async () => {
    await registerFixtureDataset({ db: t.db, fixture });
  });
  beforeEach(async () => {
    await t.db.job.deleteMany();
    await t.db.submission.deleteMany();
  });

  const upload = async (userId: string, kind: "csv" | "model", bytes: Buffer) =>
    (
      await createSubmission({
        db: t.db,
        userId,
        dataDir: fixture.dataDir,
        kind,
        fileName: kind === "csv" ? "p.csv" : "m.zip",
        stream: Readable.from([bytes]),
      })
    ).submission;

  it("scores a CSV submission through the queue, exactly as computeScores would", async () => {
    const user = await createTestUser({ db: t.db });
    const csv = predictionsCsv({ fixture, mode: "truth" });
    const submission = await upload(user.id, "csv", Buffer.from(csv));
    const events = await runWorkerUntil({ db: t.db, dataDir: fixture.dataDir, until: (ev) => ev.some((e) => e.type === "completed") });
    expect(events.map((e) => e.type)).toEqual(["claimed", "completed"]);

    const scored = await t.db.submission.findUniqueOrThrow({ where: { id: submission.id }, include: { score: true } });
    expect(scored).toMatchObject({ status: "scored", errorMessage: null, startedAt: expect.any(Date), scoredAt: expect.any(Date) });
    const parsed = await parsePredictionsCsv({ input: Buffer.from(csv), expectedIds: fixture.testIds, maxBytes: 1e7 });
    if (!parsed.ok) throw new Error(`the fixture's own CSV does not parse: ${JSON.stringify(parsed.errors)}`);
    const expected = computeScores({ labels: fixture.labels, predictions: parsed.predictions });
    expect(scored.score).toMatchObject({
      publicMain: 1,
      privateMain: 1,
      public: JSON.parse(JSON.stringify(expected.public)),
      private: JSON.parse(JSON.stringify(expected.private)),
    });
    expect(await t.db.job.findFirstOrThrow()).toMatchObject({ status: "done", attempts: 1 });
  });

  it("scores a model submission (tiny ONNX) in the sandbox through the queue", async () => {
    const user = await createTestUser({ db: t.db });
    const submission = await upload(user.id, "model", bundles.good);
    await runWorkerUntil({
      db: t.db,
      dataDir: fixture.dataDir,
      until: (ev) => ev.some((e) => e.type === "completed" || e.type === "failed"),
    });
    const scored = await t.db.submission.findUniqueOrThrow({ where: { id: submission.id }, include: { score: true } });
    expect(scored.errorMessage).toBeNull();
    expect(scored).toMatchObject({ status: "scored", modelFormat: "onnx" });
    expect(scored.log).toMatch(/^\[scorer\] 30 images with onnxruntime/);
    expect(scored.score!.publicMain).toBeGreaterThanOrEqual(0);
    expect(scored.score!.publicMain).toBeLessThanOrEqual(1);
  });

  it("fails a model with NaN outputs at once, with the reason, counting against the quota", async () => {
    const user = await createTestUser({ db: t.db });
    const submission = await upload(user.id, "model", bundles.nan);
    const events = await runWorkerUntil({ db: t.db, dataDir: fixture.dataDir, until: (ev) => ev.some((e) => e.type === "failed") });
    expect(events.filter((e) => e.type === "claimed")).toHaveLength(1);
    const failed = await t.db.submission.findUniqueOrThrow({ where: { id: submission.id } });
    expect(failed).toMatchObject({ status: "failed", failureKind: "user", countsAgainstQuota: true });
    expect(failed.errorMessage).toMatch(/^The model run failed: .*NaN/);
    expect((await getSubmissionQuota({ db: t.db, userId: user.id })).used).toBe(1);
  });

  it("fails a submission that breaks on every attempt with a reason, and refunds the quota", async () => {
    const user = await createTestUser({ db: t.db });
    const submission = await upload(user.id, "csv", Buffer.from(predictionsCsv({ fixture })));
    expect((await getSubmissionQuota({ db: t.db, userId: user.id })).used).toBe(1);
    // The stored file disappears (a disk fault): every attempt fails on our side.
    await createLocalDiskBlobStore({ root: uploadsDir(fixture.dataDir) }).deleteBlob(submission.fileKey);
    const events = await runWorkerUntil({
      db: t.db,
      dataDir: fixture.dataDir,
      until: (ev) => ev.some((e) => e.type === "failed" && e.final),
    });
    expect(events.filter((e) => e.type === "failed").map((e) => (e as { final: boolean }).final)).toEqual([false, false, true]);

    const job = await t.db.job.findFirstOrThrow({ where: { submissionId: submission.id } });
    expect(job).toMatchObject({ status: "failed", attempts: 3, finishedAt: expect.any(Date) });
    expect(job.lastError).toContain("not found");
    const failed = await t.db.submission.findUniqueOrThrow({ where: { id: submission.id } });
    expect(failed).toMatchObject({ status: "failed", failureKind: "system", countsAgainstQuota: false });
    expect(failed.errorMessage).toBe(
      "We could not score this submission because of a problem on our side (3 attempts). It does not count against your daily submission limit. Please try again later.",
    );
    expect((await getSubmissionQuota({ db: t.db, userId: user.id })).used).toBe(0);
  });

  it("gives up on a job whose workers keep dying once its attempts are used up", async () => {
    const user = await createTestUser({ db: t.db });
    const submission = await upload(user.id, "csv", Buffer.from(predictionsCsv({ fixture })));
    // As if three workers had claimed it and died: running, lease expired, attempts used up.
    await t.db.job.updateMany({ data: { status: "running", workerId: "dead", attempts: 3, leaseExpiresAt: new Date(Date.now() - 1000) } });
    await runWorkerUntil({ db: t.db, dataDir: fixture.dataDir, until: (ev) => ev.some((e) => e.type === "failed") });
    expect(await t.db.job.findFirstOrThrow()).toMatchObject({ status: "failed", attempts: 4 });
    expect(await t.db.submission.findUniqueOrThrow({ where: { id: submission.id } })).toMatchObject({
      status: "failed",
      failureKind: "system",
      countsAgainstQuota: false,
    });
  });

  it("fails, without retrying, a job whose dataset build is gone", async () => {
    const user = await createTestUser({ db: t.db });
    const submission = await upload(user.id, "csv", Buffer.from(predictionsCsv({ fixture })));
    const other = await t.db.dataset.create({
      data: { ...(await t.db.dataset.findFirstOrThrow({ omit: { id: true } })), buildId: "gone-build", isCurrent: false, labelStats: {} },
    });
    await t.db.submission.update({ where: { id: submission.id }, data: { datasetId: other.id } });
    await enqueueJob({ db: t.db, type: "score-submission", payload: { submissionId: submission.id }, idempotencyKey: submission.id });
    const events = await runWorkerUntil({ db: t.db, dataDir: fixture.dataDir, until: (ev) => ev.some((e) => e.type === "failed") });
    expect(events.filter((e) => e.type === "claimed")).toHaveLength(1);
    const failed = await t.db.submission.findUniqueOrThrow({ where: { id: submission.id } });
    expect(failed.errorMessage).toMatch(/^The challenge's test set was replaced .* does not count against your daily submission limit\.$/);
    expect(failed.countsAgainstQuota).toBe(false);
  });
});
