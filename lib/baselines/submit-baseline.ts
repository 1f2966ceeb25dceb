import type { Baseline, Db, Submission } from "../db/client";
import type { BlobStore } from "../storage/blob-store";
import { createSubmission, type CreateSubmissionInput } from "../submissions/create-submission";
import { ensureBaselineOwner } from "./ensure-baseline-owner";

export interface SubmitBaselineOptions {
  db: Db;
  /** Stable identifier (`prior`, `colour-features`, `cnn`): the Baseline row is upserted by it. */
  name: string;
  title: string;
  description: string;
  kind: "csv" | "model" | "generator";
  /** The track the entry goes to (default attributes; generation baselines: "generation"). */
  track?: CreateSubmissionInput["track"];
  fileName: string;
  bytes: Uint8Array;
  /** Only for a bare .onnx model. */
  manifestJson?: string;
  /** One line shown with the submission (e.g. validation macro-F1 and training time). */
  submissionDescription?: string;
  dataDir?: string;
  store?: BlobStore;
}

export interface SubmitBaselineResult {
  baseline: Baseline;
  submission: Submission;
}

/**
 * Submits a baseline's file through the normal upload path (same validation, same queue, same
 * scorer as a participant's), owned by the baseline organizer, and flags it with `baselineId`.
 *
 * createSubmission takes no baselineId (participants must never be able to set it), so the flag
 * is set right after creation. The worker may already be scoring it then; that is harmless,
 * because scoring never touches baselineId.
 */
export async function submitBaseline(options: SubmitBaselineOptions): Promise<SubmitBaselineResult> {
  const { db } = options;
  const owner = await ensureBaselineOwner({ db });
  const baseline = await db.baseline.upsert({
    where: { name: options.name },
    create: { name: options.name, title: options.title, description: options.description, ownerId: owner.id },
    update: { title: options.title, description: options.description },
  });
  const { submission } = await createSubmission({
    db,
    userId: baseline.ownerId,
    kind: options.kind,
    ...(options.track ? { track: options.track } : {}),
    fileName: options.fileName,
    description: options.submissionDescription ?? options.title,
    stream: options.bytes,
    manifestJson: options.manifestJson,
    dataDir: options.dataDir,
    store: options.store,
  });
  // phaseId null: a baseline is shown on every phase of its track (lib/leaderboard), not in the one it was made in.
  const flagged = await db.submission.update({ where: { id: submission.id }, data: { baselineId: baseline.id, phaseId: null } });
  return { baseline, submission: flagged };
}
