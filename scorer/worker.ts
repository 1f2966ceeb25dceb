import { setTimeout as sleep } from "node:timers/promises";
import type { Db, Job } from "@/lib/db/client";
import { env } from "@/lib/env";
import { claimNextJob } from "@/lib/queue/claim-next-job";
import { completeJob } from "@/lib/queue/complete-job";
import { defaultRetryDelayMs, failJob } from "@/lib/queue/fail-job";
import { heartbeatJob } from "@/lib/queue/heartbeat-job";
import {
  isJobTypeName,
  parseJobPayload,
  runnableJobTypes,
  type JobFailure,
  type JobHandler,
  type JobResult,
  type JobTypeName,
} from "@/lib/queue/job-types";
import { loadJobHandler } from "@/scorer/job-handlers";
import { detectSandboxWalls } from "@/scorer/sandbox/detect-sandbox-walls";
import { sweepTempFolders } from "@/scorer/sandbox/temp-folders";
import { releaseJob } from "@/lib/queue/release-job";
import type { BlobStore } from "@/lib/storage/blob-store";
import { getBlobStore } from "@/lib/storage/get-blob-store";
import { engineOfDb } from "@/lib/db/engine-of-db";
import { engineOf } from "@/lib/db/engine";
import { componentLogger, type Logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import { createWorkerId } from "./create-worker-id";
import { listenForJobs } from "./listen-for-jobs";

/**
 * A scorer worker: `concurrency` loops that each claim a job, run its handler while renewing
 * the lease, and record the outcome. Used by `npm run scorer` (scorer/main.ts) and by the worker
 * `npm start` embeds (scorer/start-embedded-worker.ts).
 *
 * Guarantees, with the queue operations (lib/queue, docs/decisions/0002-database-queue.md):
 * - a job's effects are committed once, by the worker that still holds its lease;
 * - a worker that dies mid-job loses its lease after `leaseMs` and the job is reclaimed;
 * - exceptions are system failures: retried with back-off, then failed with a reason that does
 *   not cost the participant a submission; user failures fail at once;
 * - on stop (SIGTERM), no new job is claimed; the jobs in hand get `shutdownGraceMs` to finish
 *   and are otherwise released back to the queue, attempt not counted.
 */

export type WorkerEvent =
  | { type: "claimed"; jobId: string; jobType: string; attempts: number }
  | { type: "completed"; jobId: string; jobType: string; attempts: number; ms: number }
  | { type: "failed"; jobId: string; jobType: string; attempts: number; final: boolean; kind: "user" | "system"; ms: number }
  | { type: "released"; jobId: string; jobType: string }
  /** The lease was lost (reclaimed by another worker): nothing was committed. */
  | { type: "lost"; jobId: string; jobType: string }
  | { type: "error"; message: string };

export interface StartWorkerOptions {
  db: Db;
  concurrency?: number;
  workerId?: string;
  leaseMs?: number;
  pollMs?: number;
  /** Aborting it stops the worker gracefully (as stop() does). */
  signal?: AbortSignal;
  dataDir?: string;
  store?: BlobStore;
  /** Job types to run; default: every type this process can run. */
  types?: JobTypeName[];
  retryDelayMs?: (attempts: number) => number;
  /** After a stop, how long jobs in hand may still finish before they are released. */
  shutdownGraceMs?: number;
  /** Structured logger (default: the process logger with component "scorer" and the worker id). */
  logger?: Logger;
  /** Plain-text sink instead of the logger (tests, and CLIs that want the worker quiet). */
  log?: (message: string) => void;
  onEvent?: (event: WorkerEvent) => void;
  /**
   * PostgreSQL url to LISTEN on for new jobs (idle loops wake at once; the poll stays as the
   * fallback). Default: DATABASE_URL when it and `db` are PostgreSQL; `false` turns it off.
   */
  wakeUrl?: string | false;
  /**
   * One more loop that runs only these job types (expressLaneTypes() picks them), so a long job
   * in hand does not keep a quick one waiting. Default: none.
   */
  expressTypes?: readonly JobTypeName[];
}

/** Jobs that hold a loop for a minute or more (thousands of generated images, a full model rerun). */
const LONG_JOB_TYPES: ReadonlySet<JobTypeName> = new Set(["score-generation", "verify-submission"]);

/**
 * The express lane of a worker that runs `types`: attribute submissions ("score-submission",
 * seconds each) when the worker also runs long jobs, else none (a lane would only add a loop).
 * The embedded scorer and `npm run scorer` use it unless SCORER_EXPRESS_LANE=0.
 */
export function expressLaneTypes(types: readonly JobTypeName[]): JobTypeName[] {
  return types.includes("score-submission") && types.some((t) => LONG_JOB_TYPES.has(t)) ? ["score-submission"] : [];
}

export interface Worker {
  readonly workerId: string;
  /** Settles when every loop has ended after a stop. */
  readonly done: Promise<void>;
  /** Stops claiming, lets jobs in hand finish or releases them, resolves when done. */
  stop(): Promise<void>;
}

export function startWorker(options: StartWorkerOptions): Worker {
  const config = env();
  const db = options.db;
  const workerId = options.workerId ?? createWorkerId();
  const leaseMs = options.leaseMs ?? config.SCORER_LEASE_MS;
  const pollMs = options.pollMs ?? config.SCORER_POLL_MS;
  const concurrency = Math.max(1, options.concurrency ?? config.SCORER_CONCURRENCY);
  const dataDir = options.dataDir ?? config.dataDir;
  const store = options.store ?? getBlobStore({ db, dataDir });
  const types = options.types ?? runnableJobTypes();
  const retryDelayMs = options.retryDelayMs ?? ((n: number) => defaultRetryDelayMs(n));
  const shutdownGraceMs = options.shutdownGraceMs ?? 20_000;
  const given = options.logger ?? componentLogger("scorer");
  const baseLogger = given.bindings().workerId === undefined ? given.child({ workerId }) : given;
  // A job's lines carry its id, type and the web request that enqueued it.
  const jobLogger = (job: Job) =>
    baseLogger.child({ jobId: job.id, jobType: job.type, ...(job.requestId ? { requestId: job.requestId } : {}) });
  type Say = (message: string, level?: "info" | "warn" | "error") => void;
  const sayTo = (target: Logger): Say =>
    options.log ? (message) => options.log!(message) : (message, level = "info") => target[level](message);
  const log = sayTo(baseLogger);
  const m = metrics();
  const emit = (event: WorkerEvent) => {
    recordMetrics(event);
    try {
      options.onEvent?.(event);
    } catch {
      // An observer's bug must not take the worker down.
    }
  };

  function recordMetrics(event: WorkerEvent): void {
    if (event.type === "completed") m.jobDuration.observe({ type: event.jobType, outcome: "completed" }, event.ms / 1000);
    else if (event.type === "failed") {
      m.jobDuration.observe({ type: event.jobType, outcome: event.final ? "failed" : "retried" }, event.ms / 1000);
      m.jobFailures.inc({ type: event.jobType, kind: event.kind, final: String(event.final) });
    } else if (event.type === "lost" || event.type === "released") m.jobsLost.inc({ type: event.jobType, why: event.type });
  }

  const stopping = new AbortController();
  const onExternalAbort = () => stopping.abort();
  if (options.signal?.aborted) stopping.abort();
  else options.signal?.addEventListener("abort", onExternalAbort, { once: true });

  if (types.includes("score-submission")) {
    // Says at once when model runs will be less isolated than they should (bubblewrap missing).
    const isolation = detectSandboxWalls().isolation;
    if (isolation === "full") log("model sandbox: full isolation (bubblewrap)");
    else log(`WARNING model sandbox isolation is ${isolation}`, "warn");
  }
  // Bundles left in the temp folder by a scorer that was killed mid-run (owner process gone).
  sweepTempFolders()
    .then((removed) => removed.length > 0 && log(`removed ${removed.length} temp folder(s) left by stopped scorers`))
    .catch((error) => log(`temp folder sweep failed: ${(error as Error).message}`));

  // Load the handlers now rather than on the first job, whose latency would include it.
  for (const type of types) loadJobHandler(type).catch((error) => log(`cannot load the ${type} handler: ${(error as Error).message}`));

  async function loop(loopTypes: readonly JobTypeName[]): Promise<void> {
    let busy = false;
    while (!stopping.signal.aborted) {
      let job: Job | null;
      try {
        job = await claimNextJob({ db, workerId, leaseMs, types: loopTypes, precheck: !busy });
        busy = job !== null;
      } catch (error) {
        // Database unreachable or locked for too long: keep the worker alive and try again.
        log(`claim failed: ${(error as Error).message}`, "error");
        emit({ type: "error", message: (error as Error).message });
        await pause(Math.max(pollMs, 1000));
        continue;
      }
      if (!job) {
        await idle(pollMs);
        continue;
      }
      try {
        await runJob(job);
      } catch (error) {
        // Recording the outcome failed (database trouble). The lease will expire and the job
        // will be reclaimed, so nothing is lost; back off a little.
        sayTo(jobLogger(job))(`recording the outcome failed: ${(error as Error).message}`, "error");
        emit({ type: "error", message: (error as Error).message });
        await pause(Math.max(pollMs, 1000));
      }
    }
  }

  function pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: stopping.signal }).catch(() => {});
  }

  // Idle loops wait for the poll interval, a stop, or a wake-up from a NOTIFY (PostgreSQL).
  const idleWaiters = new Set<() => void>();
  function idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        idleWaiters.delete(finish);
        stopping.signal.removeEventListener("abort", finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      idleWaiters.add(finish);
      stopping.signal.addEventListener("abort", finish, { once: true });
    });
  }
  const wakeUrl =
    options.wakeUrl !== undefined
      ? options.wakeUrl
      : engineOfDb(db) === "postgres" && engineOf(config.databaseUrl) === "postgres"
        ? config.databaseUrl
        : false;
  const listener = wakeUrl
    ? listenForJobs({ url: wakeUrl, onJob: () => [...idleWaiters].forEach((wake) => wake()), log: (message) => log(message, "warn") })
    : undefined;

  async function runJob(job: Job): Promise<void> {
    const started = performance.now();
    const say = sayTo(jobLogger(job));
    emit({ type: "claimed", jobId: job.id, jobType: job.type, attempts: job.attempts });

    const giveUp = async (internal: string) => {
      // Not the participant's fault and no retry would help.
      const r = await failJob({ db, jobId: job.id, workerId, system: true, retry: false, message: "", internal });
      emit({
        type: "failed",
        jobId: job.id,
        jobType: job.type,
        attempts: job.attempts,
        final: true,
        kind: "system",
        ms: performance.now() - started,
      });
      return r;
    };
    if (!isJobTypeName(job.type)) {
      say(`unknown type ${job.type}`, "error");
      await giveUp(`unknown job type ${job.type}`);
      return;
    }
    let payload: unknown;
    try {
      payload = parseJobPayload(job.type, job.payload);
    } catch (error) {
      await giveUp(`bad payload for ${job.type}: ${(error as Error).message}`);
      return;
    }
    let handler: JobHandler<unknown>;
    try {
      handler = await loadJobHandler(job.type);
    } catch (error) {
      // A broken deployment of this worker, not the job: retried (perhaps by another worker).
      const r = await failJob({
        db,
        jobId: job.id,
        workerId,
        system: true,
        message: "",
        internal: `cannot load the ${job.type} handler: ${(error as Error).message}`,
        retryDelayMs,
      });
      emit({
        type: "failed",
        jobId: job.id,
        jobType: job.type,
        attempts: job.attempts,
        final: r.recorded && r.final,
        kind: "system",
        ms: performance.now() - started,
      });
      return;
    }
    if (job.attempts > job.maxAttempts) {
      // Claimed again after its lease expired, more often than it may be tried: each of those
      // attempts ended with its worker dying or hanging. Stop here so it cannot run forever.
      await recordFailure(job, handler, payload, started, {
        ok: false,
        kind: "system",
        retry: false,
        message: "",
        internal: `lease expired on ${job.attempts - 1} attempts (worker died or hung)`,
      });
      return;
    }

    const jobAbort = new AbortController();
    let lost = false;
    const beat = setInterval(
      () => {
        heartbeatJob({ db, jobId: job.id, workerId, leaseMs })
          .then((held) => {
            if (!held && !lost) {
              lost = true;
              jobAbort.abort(new Error("lease lost"));
            }
          })
          .catch((error) => say(`heartbeat failed: ${(error as Error).message}`, "warn"));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );

    const running: Promise<JobResult> = handler
      .run({
        db,
        job,
        payload,
        workerId,
        dataDir,
        store,
        signal: jobAbort.signal,
        log: options.log ? (line) => options.log!(`job ${job.id}: ${line}`) : (line) => say(line),
      })
      .catch((error: unknown) => ({
        ok: false as const,
        kind: "system" as const,
        message: "",
        internal: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }));

    let result: JobResult | "shutdown";
    const deadline = shutdownDeadline();
    try {
      result = await Promise.race([running, deadline.reached]);
    } finally {
      clearInterval(beat);
      deadline.cancel();
    }

    if (result === "shutdown") {
      jobAbort.abort(new Error("worker shutting down"));
      const released = await releaseJob({
        db,
        jobId: job.id,
        workerId,
        onReleased: handler.onRelease ? ({ tx, job: j }) => handler.onRelease!({ tx, job: j, payload }) : undefined,
      });
      emit(released ? { type: "released", jobId: job.id, jobType: job.type } : { type: "lost", jobId: job.id, jobType: job.type });
      return;
    }
    if (lost) {
      emit({ type: "lost", jobId: job.id, jobType: job.type });
      return;
    }
    if (result.ok) {
      const commit = result.commit;
      let completed: boolean;
      try {
        ({ completed } = await completeJob({ db, jobId: job.id, workerId, commit }));
      } catch (error) {
        // The commit itself failed (a constraint, the database): a system failure, retried.
        await recordFailure(job, handler, payload, started, {
          ok: false,
          kind: "system",
          message: "",
          internal: `commit failed: ${(error as Error).stack ?? (error as Error).message}`,
        });
        return;
      }
      const ms = performance.now() - started;
      emit(
        completed
          ? { type: "completed", jobId: job.id, jobType: job.type, attempts: job.attempts, ms }
          : { type: "lost", jobId: job.id, jobType: job.type },
      );
      if (completed) say(`job ${job.id} (${job.type}) done in ${Math.round(ms)} ms`);
      return;
    }
    await recordFailure(job, handler, payload, started, result);
  }

  async function recordFailure(
    job: Job,
    handler: JobHandler<unknown>,
    payload: unknown,
    started: number,
    result: Extract<JobResult, { ok: false }>,
  ): Promise<void> {
    const system = result.kind === "system";
    const recorded = await failJob({
      db,
      jobId: job.id,
      workerId,
      system,
      retry: result.retry,
      message: result.message,
      internal: result.internal,
      retryDelayMs,
      onRecorded: handler.onFailure
        ? async ({ tx, job: updated, final }) => {
            const failure: JobFailure = { kind: result.kind, message: result.message, final, attempts: updated.attempts, log: result.log };
            await handler.onFailure!({ tx, job: updated, payload, failure });
          }
        : undefined,
    });
    if (!recorded.recorded) {
      emit({ type: "lost", jobId: job.id, jobType: job.type });
      return;
    }
    const ms = performance.now() - started;
    emit({ type: "failed", jobId: job.id, jobType: job.type, attempts: job.attempts, final: recorded.final, kind: result.kind, ms });
    sayTo(jobLogger(job))(
      `job ${job.id} (${job.type}) ${recorded.final ? "failed" : "will be retried"} after attempt ${job.attempts}: ${result.kind}` +
        `${result.message ? `: ${result.message.split("\n")[0]}` : ""}${result.internal ? ` [${result.internal.split("\n")[0]}]` : ""}`,
    );
  }

  /** `reached` resolves "shutdown" once a stop was requested and the grace period has passed. */
  function shutdownDeadline(): { reached: Promise<"shutdown">; cancel: () => void } {
    let timer: NodeJS.Timeout | undefined;
    let fire = () => {};
    const reached = new Promise<"shutdown">((resolve) => {
      fire = () => {
        timer = setTimeout(() => resolve("shutdown"), shutdownGraceMs);
      };
    });
    if (stopping.signal.aborted) fire();
    else stopping.signal.addEventListener("abort", fire, { once: true });
    return {
      reached,
      cancel: () => {
        stopping.signal.removeEventListener("abort", fire);
        if (timer) clearTimeout(timer);
      },
    };
  }

  const express = (options.expressTypes ?? []).filter((t) => types.includes(t));
  if (express.length > 0) log(`express lane: one more loop for ${express.join(", ")} only`);
  const loops = Array.from({ length: concurrency }, () => loop(types));
  if (express.length > 0) loops.push(loop(express));
  const done = Promise.all(loops).then(async () => {
    options.signal?.removeEventListener("abort", onExternalAbort);
    await listener?.close();
  });

  return {
    workerId,
    done,
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
