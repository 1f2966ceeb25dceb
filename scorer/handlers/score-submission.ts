import type { DbTransaction, Submission } from "../../lib/db/client";
import { env } from "../../lib/env";
import type { Scores } from "../../lib/metrics/types";
import type { JobContext, JobHandler, JobPayload, JobResult } from "../../lib/queue/job-types";
import { formatCsvProblems } from "../../lib/submissions/parse-predictions-csv";
import { scoreCsv } from "../../lib/scoring/score-csv";
import { formatRunSummary, modelRunFailure, requireMainScores, resolveDatasetBuild, runStoredModel } from "./run-stored-model";
import { capSubmissionLog, scoredSubmission, type Timing } from "./scored-submission";

/**
 * The `score-submission` job: scores one submission on both hidden parts and records the
 * result. Runs in a worker (scorer/worker.ts), never in a web request.
 *
 * - CSV: re-read from the blob store and re-validated (the upload was validated already; the
 *   worker trusts nothing it did not check itself), then scored.
 * - Model: extracted to a temp folder and run in the sandbox with the uploads and the database
 *   folder masked as well as the labels, then scored like a CSV.
 *
 * Outcomes: scored (Score upserted by submissionId + Submission 'scored', in the transaction
 * that completes the job); a user failure (their file: a message saying which check, limit or
 * output failed, plus the sandbox log excerpt; counts against the quota); a system failure
 * (thrown or returned: retried by the queue, and when attempts run out the submission fails
 * with a plain message and does not count against the quota).
 */

type Payload = JobPayload<"score-submission">;

export const scoreSubmissionHandler: JobHandler<Payload> = {
  run: runScoreSubmission,

  async onFailure({ tx, payload, failure }) {
    if (!failure.final) return backInQueue(tx, payload.submissionId);
    const system = failure.kind === "system";
    await tx.submission.updateMany({
      where: { id: payload.submissionId },
      data: {
        status: "failed",
        failureKind: failure.kind,
        errorMessage: system ? systemFailureMessage(failure.message, failure.attempts) : failure.message,
        // Our fault never costs the participant a submission.
        ...(system ? { countsAgainstQuota: false } : {}),
        ...(failure.log !== undefined ? { log: capSubmissionLog(failure.log) } : {}),
      },
    });
  },

  onRelease: ({ tx, payload }) => backInQueue(tx, payload.submissionId),
};

/** Released, or failed with attempts left: the participant sees it waiting again. */
async function backInQueue(tx: DbTransaction, submissionId: string): Promise<void> {
  await tx.submission.updateMany({ where: { id: submissionId, status: "running" }, data: { status: "queued" } });
}

async function runScoreSubmission(ctx: JobContext<Payload>): Promise<JobResult> {
  const { db, payload, dataDir } = ctx;
  const started = performance.now();
  const startedAt = new Date();
  const submission = await db.submission.findUnique({ where: { id: payload.submissionId } });
  // Deleted meanwhile (account removed): nothing left to score.
  if (!submission) return { ok: true };

  if (submission.kind === "model") {
    // A model run takes seconds to minutes: show it as running meanwhile. A CSV is scored in
    // well under a second, so it goes from queued to scored (startedAt is set with the result)
    // without a write of its own: one round trip and, on SQLite, one write lock fewer per job.
    await db.submission.updateMany({
      where: { id: submission.id, status: { in: ["queued", "running"] } },
      data: { status: "running", startedAt },
    });
  }

  // Resolved once: a prepare finishing mid-job cannot make us mix two builds.
  const buildDir = await resolveDatasetBuild({ db, dataDir, datasetId: submission.datasetId });
  if (!buildDir) {
    return {
      ok: false,
      kind: "system",
      retry: false,
      message: "The challenge's test set was replaced after this submission was made, so it cannot be scored. Please submit again.",
      internal: `the build of dataset ${submission.datasetId} is no longer on disk`,
    };
  }

  const timing = { started, startedAt };
  if (submission.kind === "csv") return scoreCsvSubmission(ctx, submission, buildDir, timing);
  return scoreModelSubmission(ctx, submission, buildDir, timing);
}

async function scoreCsvSubmission(ctx: JobContext<Payload>, submission: Submission, buildDir: string, timing: Timing): Promise<JobResult> {
  const input = await ctx.store.openBlob(submission.fileKey);
  const result = await scoreCsv({
    dataDir: ctx.dataDir,
    buildDir,
    input,
    // It passed this check at upload; the limit may have been lowered since.
    maxBytes: Math.max(env().MAX_CSV_BYTES, submission.fileSize),
  });
  if (!result.ok) {
    return {
      ok: false,
      kind: "user",
      message: ["The predictions file does not match the test set:", ...formatCsvProblems(result)].join("\n"),
    };
  }
  return scored(submission, result.scores, timing);
}

async function scoreModelSubmission(
  ctx: JobContext<Payload>,
  submission: Submission,
  buildDir: string,
  timing: Timing,
): Promise<JobResult> {
  const result = await runStoredModel({ job: ctx, fileKey: submission.fileKey, buildDir });
  if (!result.ok) return modelRunFailure(result);
  const summary = formatRunSummary(result.stats);
  return scored(submission, result.scores, timing, summary + result.log, result.format);
}

function scored(submission: Submission, scores: Scores, timing: Timing, log?: string, modelFormat?: string): JobResult {
  const score = { ...requireMainScores(scores), public: scores.public as object, private: scores.private as object };
  return scoredSubmission({ submission, timing, score, log, modelFormat });
}

function systemFailureMessage(message: string, attempts: number): string {
  const tail = "It does not count against your daily submission limit.";
  // A specific reason from the handler (retry: false) is worth showing. An exception's text is
  // not (paths, SQL): the worker passes an empty message for those and keeps the text internal.
  if (message) return `${message} ${tail}`;
  return `We could not score this submission because of a problem on our side (${attempts} attempt${attempts === 1 ? "" : "s"}). ${tail} Please try again later.`;
}
