import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterEach, beforeAll, expect, it, vi } from "vitest";
import { enqueueJob } from "@/lib/queue/enqueue-job";
import { parseJobPayload } from "@/lib/queue/job-types";
import { TEST_COMPLETION_PREFIX } from "@/scorer/handlers/test-job-handlers";
import { createTestUser, predictionsCsv, registerFixtureDataset } from "@/test-support/scoring/scoring-fixture";
import { setUpScoringFixture } from "@/test-support/scoring/set-up-scoring-fixture";
import { createSubmission } from "@/lib/submissions/create-submission";
import { describeEachEngine } from "@/test-support/test-db";
import { spawnWorkerProcess, type WorkerProcess } from "../test-support/scorer/spawn-worker-process";

// Separate worker processes sharing one database (the same SQLite file, or one PostgreSQL
// database): no job is lost or done twice, a killed worker's job is reclaimed, SIGTERM is
// graceful.

const fixture = setUpScoringFixture({ count: 150, seed: 5 });
const children: WorkerProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
});

describeEachEngine("scorer worker processes", (t) => {
  const spawnWorker = (args: string[] = []) => {
    const w = spawnWorkerProcess({ databaseUrl: t.url, dataDir: fixture.dataDir, args, env: { TEST_JOB_TYPES: "1" } });
    children.push(w);
    return w;
  };

  beforeAll(async () => {
    await registerFixtureDataset({ db: t.db, fixture });
  });

  it("4 worker processes drain 200 CSV submissions, each scored exactly once", async () => {
    const user = await createTestUser({ db: t.db, role: "organizer" });
    const csv = Buffer.from(predictionsCsv({ fixture, mode: "truth" }));
    // One real upload, then 199 submissions sharing its stored file, each with its own job as
    // createSubmission makes them: real scoring jobs without 200 uploads' worth of test time.
    const { submission: first } = await createSubmission({
      db: t.db,
      userId: user.id,
      dataDir: fixture.dataDir,
      kind: "csv",
      fileName: "p0.csv",
      stream: Readable.from([csv]),
    });
    const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = first;
    const ids = Array.from({ length: 199 }, (_, i) => `clone${String(i).padStart(3, "0")}${randomBytes(6).toString("hex")}`);
    await t.db.submission.createMany({ data: ids.map((id, i) => ({ ...rest, id, fileName: `p${i + 1}.csv` })) });
    await t.db.job.createMany({
      data: ids.map((id) => ({
        type: "score-submission",
        payload: parseJobPayload("score-submission", { submissionId: id }),
        submissionId: id,
        idempotencyKey: id,
      })),
    });
    // Held back until every worker is up, so all four compete for the whole queue.
    await t.db.job.updateMany({ data: { runAfter: new Date(Date.now() + 3_600_000) } });
    const workers = Array.from({ length: 4 }, () => spawnWorker(["--poll-ms", "20", "--lease-ms", "10000"]));
    await Promise.all(workers.map((w) => w.started));
    await t.db.job.updateMany({ data: { runAfter: new Date() } });

    const released = Date.now();
    // Every worker reports each job it completed (after its commit).
    const completedCount = () => workers.reduce((n, w) => n + w.events.filter((e) => e.type === "completed").length, 0);
    await vi.waitFor(() => expect(completedCount(), "jobs completed").toBe(200), { timeout: 90_000, interval: 20 });
    expect(await t.db.job.count({ where: { status: "done" } })).toBe(200);
    const drainMs = Date.now() - released;
    for (const w of workers) w.child.kill("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);

    const completed = workers.flatMap((w) => w.events.filter((e) => e.type === "completed").map((e) => e.jobId));
    expect(completed).toHaveLength(200);
    expect(new Set(completed).size).toBe(200);
    expect(workers.flatMap((w) => w.events.filter((e) => e.type === "lost" || e.type === "failed"))).toEqual([]);
    const perWorker = workers.map((w) => w.events.filter((e) => e.type === "completed").length);
    console.log(`[${t.engine}] 200 jobs drained in ${drainMs} ms; jobs per worker process: ${perWorker.join(", ")}`);
    expect(perWorker.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

    expect(await t.db.job.count({ where: { status: "done", attempts: 1 } })).toBe(200);
    expect(await t.db.score.count()).toBe(200);
    expect(await t.db.submission.count({ where: { status: "scored" } })).toBe(200);
    expect(await t.db.score.count({ where: { publicMain: 1, privateMain: 1 } })).toBe(200);
  });

  it("reclaims the job of a worker killed with SIGKILL after its lease expires, and commits it once", async () => {
    const job = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 2500, marker: "once" } });
    const doomed = spawnWorker(["--poll-ms", "20", "--lease-ms", "1500"]);
    const doomedId = await doomed.started;
    await doomed.waitFor((e) => e.type === "claimed" && e.jobId === job.id);
    doomed.child.kill("SIGKILL");
    expect(await doomed.exited).toBe("SIGKILL");
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: "running",
      workerId: doomedId,
      attempts: 1,
    });

    const rescuer = spawnWorker(["--poll-ms", "50", "--lease-ms", "1500"]);
    const rescuerId = await rescuer.started;
    const done = await rescuer.waitFor((e) => "jobId" in e && e.jobId === job.id && e.type !== "claimed", 30_000);
    expect(done).toMatchObject({ type: "completed", attempts: 2 });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "done", workerId: rescuerId, attempts: 2 });
    const markers = await t.db.blob.findMany({ where: { key: { startsWith: `${TEST_COMPLETION_PREFIX}/` } } });
    expect(markers.map((m) => [m.key, Buffer.from(m.bytes).toString()])).toEqual([[`${TEST_COMPLETION_PREFIX}/${job.id}`, "once"]]);
    rescuer.child.kill("SIGTERM");
    expect(await rescuer.exited).toBe(0);
  });

  it("on SIGTERM finishes the job that can finish in the grace period and releases the other", async () => {
    const quick = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 400 } });
    const slow = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 60_000 } });
    const w = spawnWorker(["--concurrency", "2", "--poll-ms", "20", "--grace-ms", "1500"]);
    await w.started;
    await w.waitFor((e) => e.type === "claimed" && e.jobId === quick.id);
    await w.waitFor((e) => e.type === "claimed" && e.jobId === slow.id);
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(0);
    expect(w.events.filter((e) => e.type !== "claimed").map((e) => [e.type, "jobId" in e ? e.jobId : undefined])).toEqual(
      expect.arrayContaining([
        ["completed", quick.id],
        ["released", slow.id],
      ]),
    );
    expect(await t.db.job.findUniqueOrThrow({ where: { id: quick.id } })).toMatchObject({ status: "done" });
    expect(await t.db.job.findUniqueOrThrow({ where: { id: slow.id } })).toMatchObject({ status: "queued", workerId: null, attempts: 0 });
  });
});
