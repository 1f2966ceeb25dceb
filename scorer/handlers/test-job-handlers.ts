import { setTimeout as sleep } from "node:timers/promises";
import type { JobHandler, JobPayload } from "../../lib/queue/job-types";

/**
 * Handlers of the test-only job types (registered in workers only with TEST_JOB_TYPES=1).
 * test-sleep commits a marker row in the Blob table, keyed by job id, inside the completing
 * transaction: a unique key that a second completion could not insert, which is how the tests
 * see that every job committed exactly once.
 */

export const TEST_COMPLETION_PREFIX = "test/completions";

export const testSleepHandler: JobHandler<JobPayload<"test-sleep">> = {
  async run({ job, payload, log, signal }) {
    // Abortable, as real handlers should be: a lost lease or a shutdown stops the work.
    await sleep(payload.ms, undefined, { signal });
    log(`test-sleep ${job.id} slept ${payload.ms} ms`);
    return {
      ok: true,
      commit: async (tx) => {
        const marker = Buffer.from(payload.marker ?? "");
        await tx.blob.create({
          data: { key: `${TEST_COMPLETION_PREFIX}/${job.id}`, size: marker.length, sha256: "", bytes: marker },
        });
      },
    };
  },
};

export const testFailHandler: JobHandler<JobPayload<"test-fail">> = {
  async run({ payload }) {
    // Thrown, not returned: exercises the worker's "unexpected exception = system failure" path.
    throw new Error(payload.message);
  },
};
