/*
 * The multi-node deployment of docs/production.md, small: 2 web nodes (`npm start`) and 2 scorers
 * (`npm run scorer`) with separate DATA_DIRs sharing one PostgreSQL database, one S3 bucket (s3rver)
 * and the secrets; 30 uploads over HTTP with API tokens, alternating between the nodes; one scorer
 * SIGKILLed while they run. Every submission must be scored exactly once and none lost.
 * `npm run bench:multi-node` is the full version (300 uploads, 3 scorers, repeated kills).
 *
 * The web app is built into .next-test (shared with tests/http-hardening.test.ts; ensureNextBuild
 * lets one of them build while the other waits), so a first run or changed sources add a build.
 */
import { describe, expect, it } from "vitest";
import { rehearseMultiNode } from "../test-support/multi-node/rehearse-multi-node";
import { POSTGRES_SKIP_REASON, postgresAvailable } from "../test-support/test-db";

describe("multi-node deployment", async () => {
  if (!(await postgresAvailable())) {
    describe.skip(`skipped: ${POSTGRES_SKIP_REASON}`, () => {
      it("scores every submission exactly once across nodes", () => {});
    });
    return;
  }

  it(
    "2 web nodes and 2 scorers, one killed: 30 submissions each scored exactly once, none lost",
    async () => {
      const log: string[] = [];
      const result = await rehearseMultiNode({
        submissions: 30,
        webNodes: 2,
        scorers: 2,
        modelEvery: 10,
        uploadConcurrency: 3,
        // The first kill comes early, so it falls while uploads are still arriving.
        killPauseMs: [1500, 2500],
        maxKills: 1,
        killOnlyBusy: true,
        leaseMs: 3000,
        distDir: ".next-test",
        finishTimeoutMs: 90_000,
        log: (msg) => log.push(msg),
      });
      const context = `${result.problems.join("\n")}\n--- log:\n${log.join("\n")}`;
      expect(result.refused, context).toBe(0);
      expect(result.kills, context).toBe(1);
      // The killed scorer held a job: another scorer took it over once its lease expired.
      expect(result.reclaimedJobs, context).toBeGreaterThanOrEqual(1);
      expect({ submissions: result.submissions, scored: result.scored, failed: result.failed, lost: result.lost }, context).toEqual({
        submissions: 30,
        scored: 30,
        failed: 0,
        lost: 0,
      });
      expect(result.duplicates, context).toBe(0);
      expect(result.models).toBe(3);
      // Both nodes took uploads, and the scrape of one node saw its uploads and the whole queue move.
      expect(result.uploadsPerNode).toEqual([15, 15]);
      const [before, , after] = result.metrics;
      expect(after.uploadRequests - before.uploadRequests).toBe(15);
      expect(after.queueDone - before.queueDone).toBe(30);
      console.log(
        `[multi-node] 30 submissions in ${result.durationSeconds.toFixed(1)} s, p95 upload-to-scored ${Math.round(result.latencyMs.p95)} ms, ` +
          `kills ${result.kills}, reclaimed ${result.reclaimedJobs}`,
      );
    },
    15 * 60_000,
  );
});
