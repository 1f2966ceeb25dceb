import type { Db } from "../db/client";
import type { UserRole } from "../db/enums";
import { submissionNotFound } from "./get-submission-for-user";
import type { SubmissionStatus } from "../db/enums";
import { isPending } from "./submission-views";

export interface WatchSubmissionStatusOptions {
  db: Db;
  submissionId: string;
  user: { id: string; role: UserRole | string };
  /** Stops the watch (the client went away). */
  signal?: AbortSignal;
  /** Default 250 ms: a scored CSV shows within about this (the scorer itself takes < 1 s). */
  intervalMs?: number;
  /** Default 5 minutes: the client reconnects if it still cares (EventSource does by itself). */
  maxMs?: number;
}

/**
 * The submission's status now and at every change, until it is scored or failed, the signal
 * aborts or maxMs pass. Each poll is one primary-key lookup of one column, cheap enough at
 * 4 per second per watching tab; the queue gives no cross-process notification to wait on
 * (workers may run on other machines). Same visibility as getSubmissionForUser: someone
 * else's submission is "not found" before anything is yielded.
 */
export async function* watchSubmissionStatus(options: WatchSubmissionStatusOptions): AsyncGenerator<SubmissionStatus> {
  const { db, submissionId, user, signal } = options;
  const intervalMs = options.intervalMs ?? 250;
  const deadline = Date.now() + (options.maxMs ?? 5 * 60_000);
  if (typeof submissionId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(submissionId)) throw submissionNotFound(String(submissionId));
  const where = user.role === "organizer" ? { id: submissionId } : { id: submissionId, userId: user.id };
  let last: string | undefined;
  for (;;) {
    if (signal?.aborted) return;
    const row = await db.submission.findFirst({ where, select: { status: true } });
    if (!row) {
      if (last === undefined) throw submissionNotFound(submissionId);
      return; // deleted meanwhile (account deletion): nothing more to report
    }
    const status = row.status as SubmissionStatus;
    if (status !== last) {
      last = status;
      yield status;
    }
    if (!isPending(status) || Date.now() >= deadline) return;
    await sleep(intervalMs, signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
