import { setTimeout as sleep } from "node:timers/promises";
import type { Db, Score, Submission } from "../db/client";

export type WaitedSubmission = Submission & { score: Score | null };

/**
 * Polls a submission until the scorer has finished with it (status scored or failed) and
 * returns it with its Score. Throws after `timeoutMs` (the submission stays queued; a scorer
 * started later still scores it). The signal aborts the wait early.
 */
export async function waitForSubmissionScore(options: {
  db: Db;
  submissionId: string;
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
}): Promise<WaitedSubmission> {
  const { db, submissionId } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const submission = await db.submission.findUniqueOrThrow({ where: { id: submissionId }, include: { score: true } });
    if (submission.status === "scored" || submission.status === "failed") return submission;
    if (Date.now() >= deadline) {
      throw new Error(
        `submission ${submissionId} is still ${submission.status} after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s: is a scorer running?`,
      );
    }
    options.signal?.throwIfAborted();
    await sleep(options.pollMs ?? 250, undefined, { signal: options.signal });
  }
}
