import type { DbTransaction } from "../../lib/db/client";
import type { JobContext, JobHandler, JobPayload, JobResult } from "../../lib/queue/job-types";
import { compareVerification } from "../../lib/verification/compare-verification";
import { formatRunSummary, modelRunFailure, requireMainScores, resolveDatasetBuild, runStoredModel } from "./run-stored-model";

/**
 * The `verify-submission` job: runs a winner's re-uploaded model exactly like a model submission
 * (runStoredModel: same sandbox, same masks, same build as the original submission) and compares
 * its scores with the original's (lib/verification/compare-verification.ts). The rerun scores,
 * the status and the outcome are written in the transaction that completes the job.
 *
 * A model that is refused or fails in the sandbox ends the rerun as "rerun-failed" with the
 * reason (the participant can upload a fixed one); a platform fault is retried by the queue and,
 * when attempts run out, also ends as "rerun-failed" with a plain message. Nothing here touches
 * the Submission or its Score: a verification never changes the leaderboard's numbers.
 */

type Payload = JobPayload<"verify-submission">;

/** Excerpt of the sandbox log kept in the outcome when the rerun fails. */
const MAX_OUTCOME_CHARS = 2000;

export const verifySubmissionHandler: JobHandler<Payload> = {
  run: runVerification,

  async onFailure({ tx, payload, failure }) {
    if (!failure.final) return backInQueue(tx, payload.verificationId);
    const message =
      failure.kind === "system" && !failure.message
        ? `The rerun failed because of a problem on our side (${failure.attempts} attempts); the organizers can requeue it.`
        : failure.message;
    await tx.winnerVerification.updateMany({
      where: { id: payload.verificationId, status: { in: ["rerun-queued", "running"] } },
      data: { status: "rerun-failed", outcome: message.slice(0, MAX_OUTCOME_CHARS) },
    });
  },

  onRelease: ({ tx, payload }) => backInQueue(tx, payload.verificationId),
};

/** Released, or failed with attempts left: queued for another attempt. */
async function backInQueue(tx: DbTransaction, verificationId: string): Promise<void> {
  await tx.winnerVerification.updateMany({ where: { id: verificationId, status: "running" }, data: { status: "rerun-queued" } });
}

async function runVerification(ctx: JobContext<Payload>): Promise<JobResult> {
  const { db, payload } = ctx;
  const verification = await db.winnerVerification.findUnique({
    where: { id: payload.verificationId },
    include: { submission: { select: { datasetId: true, score: { select: { publicMain: true, privateMain: true } } } } },
  });
  // Gone (the submission was deleted), rejected meanwhile, or re-uploaded since the rerun was
  // asked for (status back to "uploaded"): nothing to run.
  if (!verification || !["rerun-queued", "running"].includes(verification.status)) return { ok: true };
  const original = verification.submission.score;
  if (!verification.modelFileKey || !original)
    return { ok: false, kind: "user", message: "There is no uploaded model or no original score to compare with.", retry: false };

  await db.winnerVerification.updateMany({ where: { id: verification.id, status: "rerun-queued" }, data: { status: "running" } });
  const buildDir = await resolveDatasetBuild({ db, dataDir: ctx.dataDir, datasetId: verification.submission.datasetId });
  if (!buildDir)
    return {
      ok: false,
      kind: "system",
      retry: false,
      message: "The test set the submission was scored on is no longer on disk, so the rerun cannot reproduce it.",
      internal: `the build of dataset ${verification.submission.datasetId} is gone`,
    };

  const result = await runStoredModel({ job: ctx, fileKey: verification.modelFileKey, buildDir });
  if (!result.ok) return modelRunFailure(result);
  const rerun = requireMainScores(result.scores);
  const comparison = compareVerification({ original, rerun });
  ctx.log(formatRunSummary(result.stats).trim());
  return {
    ok: true,
    commit: async (tx) => {
      const rerunAt = new Date();
      // Guarded: an organizer's rejection or a new upload meanwhile wins over this result.
      await tx.winnerVerification.updateMany({
        where: { id: verification.id, status: { in: ["rerun-queued", "running"] } },
        data: {
          status: comparison.status,
          outcome: comparison.outcome,
          rerunPublicMain: rerun.publicMain,
          rerunPrivateMain: rerun.privateMain,
          rerunAt,
        },
      });
      // The leaderboard's change check reads the latest Submission.updatedAt: its badge updates with it.
      await tx.submission.updateMany({ where: { id: verification.submissionId }, data: { updatedAt: rerunAt } });
    },
  };
}
