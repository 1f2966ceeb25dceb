import { z } from "zod";
import type { Db, DbTransaction, Job } from "../db/client";
import { env } from "../env";
import type { BlobStore } from "../storage/blob-store";

/**
 * The kinds of work the scorer does, by name. Each has a payload schema (checked when a job is
 * enqueued and again when it is run) and a handler (scorer/job-handlers.ts), which only workers
 * import: the web server enqueues `score-submission` without bundling the sandbox or tfjs.
 *
 * Idempotency: a job's effects are committed by completeJob in the same transaction that marks
 * the job done, guarded by the worker's lease, so a job run twice (a worker thought dead that
 * was only slow) commits once. Handlers must keep side effects outside the database to
 * temporary files.
 */

export const JOB_PAYLOADS = {
  "score-submission": z.object({
    submissionId: z.string().min(1),
    /** Set by a bulk rescore (lib/rescore): the public score before, so its progress can count the changed ones. */
    previousPublicMain: z.number().nullable().optional(),
  }),
  /** A generation-track submission (lib/tracks/generation-track.ts): generator run in the sandbox or images zip, scored in the feature network. */
  "score-generation": z.object({ submissionId: z.string().min(1) }),
  /** Winner verification (lib/verification): runs the winner's uploaded model like a model submission and compares. */
  "verify-submission": z.object({ verificationId: z.string().min(1) }),
  /** One batch of an announcement's e-mails; `after` is the cursor (lib/announcements/send-announcement-batch.ts). */
  "send-announcement": z.object({ announcementId: z.string().min(1), after: z.string().min(1).optional() }),
  /** Test-only: sleeps `ms`, then commits a marker row (so tests can count completions). */
  "test-sleep": z.object({ ms: z.number().int().min(0), marker: z.string().optional() }),
  /** Test-only: fails with a system error on every attempt. */
  "test-fail": z.object({ message: z.string().default("simulated platform failure") }),
} as const;

export type JobTypeName = keyof typeof JOB_PAYLOADS;
export type JobPayload<T extends JobTypeName> = z.infer<(typeof JOB_PAYLOADS)[T]>;

const TEST_JOB_TYPES: ReadonlySet<JobTypeName> = new Set(["test-sleep", "test-fail"]);

export interface JobContext<P> {
  db: Db;
  job: Job;
  payload: P;
  workerId: string;
  dataDir: string;
  store: BlobStore;
  /** Aborted when the lease is lost or the worker is shutting down past its grace period. */
  signal: AbortSignal;
  log: (message: string) => void;
}

/**
 * What a run ended with. A thrown exception is a system failure too (retried); returning one
 * lets the handler say which kind it is and what to tell the participant.
 */
export type JobResult =
  | {
      ok: true;
      /** The job's effects, written in the transaction that marks it done (only if the lease still holds). */
      commit?: (tx: DbTransaction) => Promise<void>;
    }
  | {
      ok: false;
      /** user: their input is at fault (never retried, counts). system: ours (retried unless `retry: false`). */
      kind: "user" | "system";
      /** Shown to the participant. */
      message: string;
      /** For the job's lastError and logs only. */
      internal?: string;
      retry?: boolean;
      /** A bounded log excerpt to keep with the failure (sandbox output). */
      log?: string;
    };

export interface JobFailure {
  kind: "user" | "system";
  message: string;
  /** No more attempts: the job is now failed for good. */
  final: boolean;
  attempts: number;
  log?: string;
}

export interface JobHandler<P> {
  run(context: JobContext<P>): Promise<JobResult>;
  /** Called inside the transaction that records a failed attempt (final or not). */
  onFailure?(args: { tx: DbTransaction; job: Job; payload: P; failure: JobFailure }): Promise<void>;
  /** Called inside the transaction that gives a job back to the queue (graceful shutdown). */
  onRelease?(args: { tx: DbTransaction; job: Job; payload: P }): Promise<void>;
}

export function isJobTypeName(name: string): name is JobTypeName {
  return Object.prototype.hasOwnProperty.call(JOB_PAYLOADS, name);
}

/** The job types a worker of this process runs (test types only with TEST_JOB_TYPES=1). */
export function runnableJobTypes(options: { includeTestTypes?: boolean } = {}): JobTypeName[] {
  const includeTest = options.includeTestTypes ?? env().TEST_JOB_TYPES === "1";
  return (Object.keys(JOB_PAYLOADS) as JobTypeName[]).filter((t) => includeTest || !TEST_JOB_TYPES.has(t));
}

export function parseJobPayload<T extends JobTypeName>(type: T, payload: unknown): JobPayload<T> {
  return JOB_PAYLOADS[type].parse(payload) as JobPayload<T>;
}
