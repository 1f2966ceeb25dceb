import type { Db, DbTransaction, Job } from "../db/client";
import { engineOfDb } from "../db/engine-of-db";
import { isUniqueViolation } from "../db/errors";
import { currentRequestId } from "../observability/request-context";
import { parseJobPayload, type JobPayload, type JobTypeName } from "./job-types";

export interface EnqueueJobOptions<T extends JobTypeName> {
  /** A client, or the transaction that creates the job's subject (so both commit together). */
  db: Db | DbTransaction;
  type: T;
  payload: JobPayload<T>;
  submissionId?: string;
  /** A second enqueue with the same key returns the first job instead of adding one. */
  idempotencyKey?: string;
  maxAttempts?: number;
  runAfter?: Date;
  /** The organizer's bulk rescore the job belongs to (lib/rescore: progress counts its jobs by status). */
  batchId?: string;
  /** The web request enqueueing it; default: the request being handled (lib/observability/request-context). */
  requestId?: string;
}

/** PostgreSQL channel idle workers LISTEN on (scorer/worker.ts); the payload is empty. */
export const JOB_CHANNEL = "tp_jobs";

/**
 * Adds a job to the queue. The payload is checked against the type's schema here, so a bad job
 * fails the caller instead of a worker later.
 */
export async function enqueueJob<T extends JobTypeName>(options: EnqueueJobOptions<T>): Promise<Job> {
  const { db, type, idempotencyKey } = options;
  const payload = parseJobPayload(type, options.payload);
  if (idempotencyKey) {
    const existing = await db.job.findUnique({ where: { idempotencyKey } });
    if (existing) return existing;
  }
  const now = new Date();
  try {
    const job = await db.job.create({
      data: {
        type,
        payload,
        submissionId: options.submissionId,
        batchId: options.batchId,
        idempotencyKey,
        maxAttempts: options.maxAttempts ?? 3,
        runAfter: options.runAfter ?? now,
        createdAt: now,
        requestId: options.requestId ?? currentRequestId(),
      },
    });
    // Wakes idle workers at once instead of at their next poll. Inside the caller's transaction
    // PostgreSQL delivers it on commit (and drops it on rollback), so a worker never wakes to a
    // job it cannot see yet. SQLite has no such thing: workers there poll.
    if (engineOfDb(db) === "postgres") await db.$executeRawUnsafe(`NOTIFY ${JOB_CHANNEL}`);
    return job;
  } catch (error) {
    // Two enqueues raced on the same key: the other one won, return its job. (Inside a
    // PostgreSQL transaction the failed insert aborts the transaction; callers that enqueue in
    // a transaction use keys nobody else can know yet, such as the id of a row just created.)
    if (idempotencyKey && isUniqueViolation(error)) {
      const existing = await db.job.findUnique({ where: { idempotencyKey } });
      if (existing) return existing;
    }
    throw error;
  }
}
