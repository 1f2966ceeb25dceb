import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, expect, it, vi } from "vitest";
import { describeEachEngine } from "@/test-support/test-db";
import { enqueueJob } from "@/lib/queue/enqueue-job";
import { metrics } from "@/lib/observability/metrics";
import { runWithRequestId } from "@/lib/observability/request-context";
import { startWorker, type Worker } from "./worker";

/** A pino logger whose JSON lines are collected in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: "debug" }, sink), lines };
}

describeEachEngine("worker observability", (t) => {
  let worker: Worker | undefined;
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
  });

  it("carries the enqueuing request's id onto the job and into the worker's log lines for it", async () => {
    const job = await runWithRequestId("req-abcdef123456", () => enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 1 } }));
    expect(job.requestId).toBe("req-abcdef123456");
    const outside = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 1 } });
    expect(outside.requestId).toBeNull();

    const { logger, lines } = capturingLogger();
    const completedBefore =
      (await metrics().jobDuration.get()).values.find(
        (v) => v.metricName === "tp_job_duration_seconds_count" && v.labels.type === "test-sleep" && v.labels.outcome === "completed",
      )?.value ?? 0;
    worker = startWorker({ db: t.db, types: ["test-sleep"], pollMs: 20, leaseMs: 5000, logger, wakeUrl: false });
    await vi.waitFor(async () => expect(await t.db.job.count({ where: { id: { in: [job.id, outside.id] }, status: "done" } })).toBe(2), {
      timeout: 10_000,
    });
    await vi.waitFor(() => expect(lines.filter((l) => String(l.msg).includes("done in"))).toHaveLength(2));

    const mine = lines.filter((l) => l.jobId === job.id);
    expect(mine.length).toBeGreaterThanOrEqual(2); // the handler's line and the "done" line
    for (const line of mine)
      expect(line).toMatchObject({ requestId: "req-abcdef123456", jobType: "test-sleep", workerId: worker.workerId });
    expect(lines.filter((l) => l.jobId === outside.id).every((l) => l.requestId === undefined)).toBe(true);

    const completedAfter =
      (await metrics().jobDuration.get()).values.find(
        (v) => v.metricName === "tp_job_duration_seconds_count" && v.labels.type === "test-sleep" && v.labels.outcome === "completed",
      )?.value ?? 0;
    expect(completedAfter - completedBefore).toBe(2);
  });

  it.skipIf(t.engine !== "postgres")("wakes an idle worker by NOTIFY long before its next poll", async () => {
    // One poll an hour: only the notification can get this job claimed within the wait below.
    const { logger } = capturingLogger();
    worker = startWorker({ db: t.db, types: ["test-sleep"], pollMs: 3_600_000, leaseMs: 5000, logger, wakeUrl: t.url });
    // Let the worker go idle first (its first claim finds nothing), then enqueue.
    await vi.waitFor(async () => expect(await t.db.job.count({ where: { status: { in: ["queued", "running"] } } })).toBe(0));
    const jobs = [];
    for (let i = 0; i < 3; i++) {
      jobs.push(await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 1 } }));
      const id = jobs[i].id;
      await vi.waitFor(async () => expect((await t.db.job.findUniqueOrThrow({ where: { id } })).status).toBe("done"), { timeout: 15_000 });
    }
  });

  it.skipIf(t.engine !== "postgres")("enqueued inside a rolled-back transaction, a job wakes nobody and does not exist", async () => {
    const marker = "rolled-back";
    await t.db
      .$transaction(async (tx) => {
        await enqueueJob({ db: tx, type: "test-sleep", payload: { ms: 1, marker } });
        throw new Error(marker);
      })
      .catch((e: Error) => expect(e.message).toBe(marker));
    expect(await t.db.job.count({ where: { status: "queued" } })).toBe(0);
  });
});
