import { spawn } from "node:child_process";
import path from "node:path";
import { text } from "node:stream/consumers";
import { expect, it } from "vitest";
import { metrics } from "./metrics";
import { answerMetricsRequests, parentMetrics } from "./serve-metrics";

it("a child process gets its parent's metrics over IPC (the embedded worker's, under npm start)", async () => {
  metrics().jobFailures.inc({ type: "score-submission", kind: "system", final: "false" });
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "testing-metrics-child.ts")], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  answerMetricsRequests(child);
  const out = await text(child.stdout!);
  const names = JSON.parse(out) as string[][];
  expect(names).toHaveLength(1);
  expect(names[0]).toContain("tp_job_failures_total");
});

it("when no parent answers in time, it adds nothing", async () => {
  expect(await parentMetrics(100)).toEqual([]);
});
