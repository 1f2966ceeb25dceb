import type { DbTransaction } from "../../lib/db/client";
import type { JobResult } from "../../lib/queue/job-types";

/**
 * How a scoring job (score-submission, score-generation: the same Submission and Score columns)
 * records a scored submission, and how much of the sandbox log a Submission keeps.
 */

/** Submission.log keeps at most this much of the sandbox log (head and tail). */
const MAX_LOG_CHARS = 16_000;

export interface Timing {
  /** performance.now() at the start of the run. */
  started: number;
  startedAt: Date;
}

/**
 * The job's success: in the transaction that completes it, the Score row is upserted by
 * submissionId (a rescore replaces the previous score) and the Submission marked scored, its
 * earlier error cleared. The duration is measured now, when the result is ready.
 */
export function scoredSubmission(options: {
  submission: { id: string; startedAt: Date | null };
  timing: Timing;
  score: { publicMain: number; privateMain: number; public: object; private: object };
  /** The run's log, capped here; a CSV has none. */
  log?: string;
  modelFormat?: string;
}): JobResult {
  const { submission, timing, log, modelFormat } = options;
  const durationMs = Math.round(performance.now() - timing.started);
  return {
    ok: true,
    commit: async (tx: DbTransaction) => {
      const row = { ...options.score, durationMs };
      await tx.score.upsert({ where: { submissionId: submission.id }, create: { submissionId: submission.id, ...row }, update: row });
      await tx.submission.update({
        where: { id: submission.id },
        data: {
          status: "scored",
          startedAt: submission.startedAt ?? timing.startedAt,
          scoredAt: new Date(),
          errorMessage: null,
          failureKind: null,
          ...(log !== undefined ? { log: capSubmissionLog(log) } : {}),
          ...(modelFormat ? { modelFormat } : {}),
        },
      });
    },
  };
}

/** The log's head and tail, with a line saying how much was left out between them. */
export function capSubmissionLog(log: string): string {
  if (log.length <= MAX_LOG_CHARS) return log;
  const half = MAX_LOG_CHARS / 2;
  return `${log.slice(0, half)}\n[... ${log.length - MAX_LOG_CHARS} characters left out ...]\n${log.slice(-half)}`;
}
