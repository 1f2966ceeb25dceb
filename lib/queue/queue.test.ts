import { beforeEach, expect, it } from "vitest";
import { describeEachEngine } from "../../test-support/test-db";
import { claimNextJob } from "./claim-next-job";
import { completeJob } from "./complete-job";
import { enqueueJob } from "./enqueue-job";
import { failJob } from "./fail-job";
import { heartbeatJob } from "./heartbeat-job";
import { releaseJob } from "./release-job";

// The queue operations in one process: claim order and atomicity, leases, idempotent
// completion, retry and final failure. Several processes: scorer/worker-processes.test.ts.

const TYPES = ["test-sleep", "test-fail"];

describeEachEngine("database queue", (t) => {
  beforeEach(async () => {
    await t.db.job.deleteMany();
    await t.db.blob.deleteMany();
  });

  it("enqueues idempotently by key and validates the payload", async () => {
    const a = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 1 }, idempotencyKey: "k1" });
    const b = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 2 }, idempotencyKey: "k1" });
    expect(b.id).toBe(a.id);
    expect(await t.db.job.count()).toBe(1);
    await expect(enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: -1 } })).rejects.toThrow();
  });

  it("claims oldest first, never a job twice, and skips future and foreign-type jobs", async () => {
    const now = Date.now();
    const jobs = [];
    for (let i = 0; i < 20; i++) {
      jobs.push(await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 0 }, runAfter: new Date(now - 60_000 + i * 100) }));
    }
    await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 0 }, runAfter: new Date(now + 60_000) });
    await t.db.job.create({ data: { type: "other-type", payload: {} } });

    const first = await claimNextJob({ db: t.db, workerId: "w0", leaseMs: 10_000, types: TYPES });
    expect(first?.id).toBe(jobs[0].id);
    expect(first).toMatchObject({ status: "running", workerId: "w0", attempts: 1 });
    expect(first!.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 5_000);

    // 40 concurrent claims for the 19 claimable jobs left.
    const claims = await Promise.all(
      Array.from({ length: 40 }, (_, i) => claimNextJob({ db: t.db, workerId: `w${i + 1}`, leaseMs: 10_000, types: TYPES })),
    );
    const ids = claims.filter((c) => c !== null).map((c) => c.id);
    expect(ids).toHaveLength(19);
    expect(new Set(ids).size).toBe(19);
    expect(await claimNextJob({ db: t.db, workerId: "late", leaseMs: 10_000, types: TYPES })).toBeNull();
  });

  it("reclaims a job whose lease expired; the old holder can no longer heartbeat or complete it", async () => {
    const job = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 0 } });
    const t0 = new Date();
    await claimNextJob({ db: t.db, workerId: "dead", leaseMs: 1000, now: t0 });
    expect(await claimNextJob({ db: t.db, workerId: "other", leaseMs: 1000, now: new Date(t0.getTime() + 500) })).toBeNull();
    expect(await heartbeatJob({ db: t.db, jobId: job.id, workerId: "dead", leaseMs: 1000, now: new Date(t0.getTime() + 600) })).toBe(true);
    // The heartbeat moved the lease to t0 + 1600.
    expect(await claimNextJob({ db: t.db, workerId: "other", leaseMs: 1000, now: new Date(t0.getTime() + 1500) })).toBeNull();

    const reclaimed = await claimNextJob({ db: t.db, workerId: "other", leaseMs: 1000, now: new Date(t0.getTime() + 1700) });
    expect(reclaimed).toMatchObject({ id: job.id, workerId: "other", attempts: 2 });

    expect(await heartbeatJob({ db: t.db, jobId: job.id, workerId: "dead", leaseMs: 1000 })).toBe(false);
    const marker = (key: string) => async (tx: Parameters<NonNullable<Parameters<typeof completeJob>[0]["commit"]>>[0]) => {
      await tx.blob.create({ data: { key, size: 0, sha256: "", bytes: Buffer.alloc(0) } });
    };
    expect(await completeJob({ db: t.db, jobId: job.id, workerId: "dead", commit: marker("test/dead") })).toEqual({ completed: false });
    expect(await completeJob({ db: t.db, jobId: job.id, workerId: "other", commit: marker("test/other") })).toEqual({ completed: true });
    // Completing again is a no-op: effects are written once.
    expect(await completeJob({ db: t.db, jobId: job.id, workerId: "other", commit: marker("test/again") })).toEqual({ completed: false });
    expect((await t.db.blob.findMany()).map((b) => b.key)).toEqual(["test/other"]);
    expect(await t.db.job.findUnique({ where: { id: job.id } })).toMatchObject({ status: "done", finishedAt: expect.any(Date) });
  });

  it("rolls the completion back when the commit fails", async () => {
    const job = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 0 } });
    await claimNextJob({ db: t.db, workerId: "w", leaseMs: 10_000 });
    await expect(
      completeJob({
        db: t.db,
        jobId: job.id,
        workerId: "w",
        commit: async () => {
          throw new Error("boom");
        },
      }),
    ).rejects.toThrow("boom");
    expect(await t.db.job.findUnique({ where: { id: job.id } })).toMatchObject({ status: "running", workerId: "w" });
  });

  it("retries system failures with back-off, then fails for good with the reason", async () => {
    const job = await enqueueJob({ db: t.db, type: "test-fail", payload: { message: "x" }, maxAttempts: 2 });
    let now = new Date();
    await claimNextJob({ db: t.db, workerId: "w", leaseMs: 10_000, now });
    const finals: boolean[] = [];
    const first = await failJob({
      db: t.db,
      jobId: job.id,
      workerId: "w",
      system: true,
      message: "",
      internal: "disk on fire",
      retryDelayMs: () => 5_000,
      now,
      onRecorded: async ({ final }) => void finals.push(final),
    });
    expect(first).toMatchObject({ recorded: true, final: false });
    const queued = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(queued).toMatchObject({ status: "queued", workerId: null, attempts: 1, lastError: "system: \ndisk on fire" });
    expect(queued.runAfter.getTime()).toBe(now.getTime() + 5_000);
    expect(await claimNextJob({ db: t.db, workerId: "w", leaseMs: 10_000, now: new Date(now.getTime() + 4_000) })).toBeNull();

    now = new Date(now.getTime() + 5_001);
    expect(await claimNextJob({ db: t.db, workerId: "w", leaseMs: 10_000, now })).toMatchObject({ attempts: 2 });
    const second = await failJob({
      db: t.db,
      jobId: job.id,
      workerId: "w",
      system: true,
      message: "",
      now,
      onRecorded: async ({ final }) => void finals.push(final),
    });
    expect(second).toMatchObject({ recorded: true, final: true });
    expect(finals).toEqual([false, true]);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "failed", attempts: 2 });
    expect(await claimNextJob({ db: t.db, workerId: "w", leaseMs: 10_000, now: new Date(now.getTime() + 3_600_000) })).toBeNull();
  });

  it("fails user failures at once, and non-retryable system failures too", async () => {
    const a = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 0 } });
    await claimNextJob({ db: t.db, workerId: "w", leaseMs: 10_000 });
    expect(await failJob({ db: t.db, jobId: a.id, workerId: "w", system: false, message: "NaN in output" })).toMatchObject({ final: true });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "user: NaN in output",
    });

    const b = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 0 } });
    await claimNextJob({ db: t.db, workerId: "w", leaseMs: 10_000 });
    expect(await failJob({ db: t.db, jobId: b.id, workerId: "w", system: true, retry: false, message: "gone" })).toMatchObject({
      final: true,
    });
    // A worker that lost the job records nothing.
    expect(await failJob({ db: t.db, jobId: b.id, workerId: "someone-else", system: true, message: "" })).toEqual({ recorded: false });
  });

  it("releases a job without counting the attempt", async () => {
    const job = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 0 } });
    await claimNextJob({ db: t.db, workerId: "w", leaseMs: 10_000 });
    expect(await releaseJob({ db: t.db, jobId: job.id, workerId: "intruder" })).toBe(false);
    expect(await releaseJob({ db: t.db, jobId: job.id, workerId: "w" })).toBe(true);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "queued", workerId: null, attempts: 0 });
    expect(await claimNextJob({ db: t.db, workerId: "next", leaseMs: 10_000 })).toMatchObject({ id: job.id, attempts: 1 });
  });
});
