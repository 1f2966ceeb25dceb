import { afterEach, describe, expect, it, vi } from "vitest";
import { enqueueJob } from "@/lib/queue/enqueue-job";
import { describeEachEngine } from "@/test-support/test-db";
import { expressLaneTypes, startWorker, type Worker } from "./worker";

describe("expressLaneTypes", () => {
  it("gives attribute submissions their own loop only where long jobs could hold the others", () => {
    expect(expressLaneTypes(["score-submission", "score-generation", "send-announcement"])).toEqual(["score-submission"]);
    expect(expressLaneTypes(["score-submission", "verify-submission"])).toEqual(["score-submission"]);
    expect(expressLaneTypes(["score-submission", "send-announcement"])).toEqual([]);
    expect(expressLaneTypes(["score-generation"])).toEqual([]);
  });
});

describeEachEngine("express lane", (t) => {
  let worker: Worker | undefined;
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await t.db.job.deleteMany();
  });

  // A long job (the sleep) in the only regular loop; a quick one (test-fail, one attempt) queued
  // after it. With the lane the quick one is over while the long one still runs; without, it waits.
  async function quickJobWhileLongRuns(expressTypes: ("test-fail" | "test-sleep")[]) {
    worker = startWorker({
      db: t.db,
      types: ["test-sleep", "test-fail"],
      expressTypes,
      concurrency: 1,
      pollMs: 20,
      leaseMs: 10_000,
      wakeUrl: false,
      log: () => {},
    });
    const long = await enqueueJob({ db: t.db, type: "test-sleep", payload: { ms: 3000 } });
    await vi.waitFor(async () => expect((await t.db.job.findUniqueOrThrow({ where: { id: long.id } })).status).toBe("running"));
    const quick = await enqueueJob({ db: t.db, type: "test-fail", payload: { message: "quick" }, maxAttempts: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    const states = await t.db.job.findMany({ where: { id: { in: [long.id, quick.id] } } });
    return {
      long: states.find((j) => j.id === long.id)!.status,
      quick: states.find((j) => j.id === quick.id)!.status,
    };
  }

  it("runs a quick job at once while a long one holds the regular loop", async () => {
    expect(await quickJobWhileLongRuns(["test-fail"])).toEqual({ long: "running", quick: "failed" });
  });

  it("without it, the quick job waits for the long one", async () => {
    expect(await quickJobWhileLongRuns([])).toEqual({ long: "running", quick: "queued" });
  });
});
