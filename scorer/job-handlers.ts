import type { JobHandler, JobPayload, JobTypeName } from "../lib/queue/job-types";

/**
 * Handlers by job type name, imported on first use. Only workers import this file (the web
 * server needs job-types.ts alone), so the sandbox and the model runtimes stay out of the web
 * bundle.
 */
type Loaders = { [T in JobTypeName]: () => Promise<JobHandler<JobPayload<T>>> };

const LOADERS: Loaders = {
  "score-submission": async () => (await import("./handlers/score-submission")).scoreSubmissionHandler,
  "score-generation": async () => (await import("./handlers/score-generation")).scoreGenerationHandler,
  "verify-submission": async () => (await import("./handlers/verify-submission")).verifySubmissionHandler,
  "send-announcement": async () => (await import("./handlers/send-announcement")).sendAnnouncementHandler,
  "test-sleep": async () => (await import("./handlers/test-job-handlers")).testSleepHandler,
  "test-fail": async () => (await import("./handlers/test-job-handlers")).testFailHandler,
};

const loaded = new Map<JobTypeName, Promise<JobHandler<unknown>>>();

/** The handler of a job type, loaded on first use and kept. */
export function loadJobHandler<T extends JobTypeName>(type: T): Promise<JobHandler<JobPayload<T>>> {
  let handler = loaded.get(type);
  if (!handler) {
    handler = LOADERS[type]();
    // A failed import is retried on the next job rather than cached forever.
    handler.catch(() => loaded.delete(type));
    loaded.set(type, handler);
  }
  return handler;
}
