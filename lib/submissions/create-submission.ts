import type { Db, Submission, Job } from "../db/client";
import { type Prisma } from "../db/client";
import { env } from "../env";
import { AppError, type AppErrorDetail } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { inspectModelBundle } from "../models/inspect-model-bundle";
import { enqueueJob } from "../queue/enqueue-job";
import { engineOfDb } from "../db/engine-of-db";
import { QUEUE_TRANSACTION_OPTIONS } from "../queue/complete-job";
import { loadTestIds } from "../scoring/load-test-ids";
import { resolveScoringBuild } from "../scoring/resolve-scoring-build";
import type { BlobStore } from "../storage/blob-store";
import { getBlobStore } from "../storage/get-blob-store";
import { withBlobFile } from "../storage/with-blob-file";
import { createSubmissionInputSchema, type CreateSubmissionInput } from "./create-submission-input";
import { countQuotaSubmissions, getSubmissionQuota, utcDayStart, type SubmissionQuota } from "./get-submission-quota";
import { formatCsvProblems, parsePredictionsCsv } from "./parse-predictions-csv";
import { manifestKeyFor, newSubmissionFileKey } from "./submission-blob-keys";
import { assertTermsAccepted } from "../terms/assert-terms-accepted";
import { getUserTeam } from "../teams/get-user-team";
import { assertPhaseOpen } from "../phases/assert-phase-open";
import { findRunningPhase } from "../phases/find-running-phase";
import { DEFAULT_TRACK } from "../phases/phase-input";
import { checkGeneratedImagesZip } from "../generation/check-generated-images-zip";
import { parseGenerationSettings } from "../generation/generation-settings";
import { inspectGeneratorBundle } from "../generation/inspect-generator-bundle";
import { findTrackKind, getTrack } from "../tracks/list-tracks";
import { fileExtension } from "./create-submission-input";

// Re-exported: callers of the operation find its input schema beside it.
export { createSubmissionInputSchema, type CreateSubmissionInput };

export interface CreateSubmissionOptions extends CreateSubmissionInput {
  db: Db;
  userId: string;
  /** The uploaded bytes, read once while being stored (an HTTP body: Readable.fromWeb(request.body)). */
  stream: AsyncIterable<Uint8Array | string> | Uint8Array;
  dataDir?: string;
  store?: BlobStore;
  now?: Date;
}

export interface CreateSubmissionResult {
  submission: Submission;
  job: Job;
  quota: SubmissionQuota;
}

/**
 * Accepts a participant's upload to a track (default attributes; the generation track takes
 * generators and images zips, checked with the scorer's container checks and queued for
 * "score-generation"): checks that a phase of the track is open and takes this kind
 * (lib/phases/assert-phase-open.ts), checks that phase's daily quota, stores the file in the blob store
 * (size-limited while streaming), validates it completely, then creates the Submission and its
 * scoring Job in one transaction. Nothing invalid is ever queued and nothing is half-created:
 * any refusal removes the stored file again.
 *
 * Errors (AppError): validation (with `details`, line by line for CSVs), too-large,
 * conflict (no phase open, or its daily limit is 0), quota-exceeded (with retryAfterSeconds), unauthorized (unknown user), unavailable (no dataset
 * prepared). No label is read here: CSVs are checked against the test ids only, and scoring
 * happens in the worker.
 */
export async function createSubmission(options: CreateSubmissionOptions): Promise<CreateSubmissionResult> {
  const input = parseInput(options);
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const dataDir = options.dataDir ?? env().dataDir;
  const store = options.store ?? getBlobStore({ db, dataDir });

  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, role: true, emailVerifiedAt: true },
  });
  if (!user)
    throw new AppError("unauthorized", {
      user: "Please sign in again.",
      internal: `user ${userId} not found`,
    });
  // A leaderboard entry needs a proved address (one person, reachable) and the current terms.
  // Organizers are exempt: their role was given to a proved address or by the CLI, and the
  // baselines' owner has no mailbox.
  if (user.role !== "organizer") {
    if (!user.emailVerifiedAt) {
      throw new AppError("forbidden", {
        user: "Confirm your e-mail address before submitting: open the link we sent you, or ask for a new one on the Submit page.",
        internal: `unverified address of ${userId}`,
        details: [{ field: "email", message: "not confirmed" }],
      });
    }
    await assertTermsAccepted({ db, userId });
  }

  const dataset = await db.dataset.findFirst({
    where: { isCurrent: true },
    select: { id: true, buildId: true },
  });
  const buildDir = dataset ? await resolveScoringBuild({ dataDir, buildId: dataset.buildId }) : undefined;
  if (!dataset || !buildDir) {
    throw new AppError("unavailable", {
      user: "Submissions are not open yet: the challenge dataset is being prepared. Please try again later.",
      internal: dataset ? `build ${dataset.buildId} of the current dataset is not on disk` : "no current dataset",
    });
  }

  // The submission belongs to the phase of its track running now; a participant's upload needs
  // one that is open and takes this kind. Organizers (baselines, platform checks) are exempt, as
  // from the quota: their entries may be made between phases (phaseId null then).
  const running = await findRunningPhase({ db, track: input.track, now });
  const phase =
    user.role === "organizer" ? running : await assertPhaseOpen({ db, phase: running, kind: input.kind, track: input.track, now });

  // Checked before reading the upload, so a participant over the limit does not wait for it.
  const quota = await getSubmissionQuota({
    db,
    userId,
    role: user.role,
    now,
    phase,
  });
  if (quota.remaining !== null && quota.remaining <= 0) throw quotaError(quota, now);

  const fileKey = newSubmissionFileKey(now);
  const stored: string[] = [];
  try {
    const maxBytes = input.kind === "csv" ? env().MAX_CSV_BYTES : env().MAX_MODEL_BYTES;
    const blob = await store.putBlob({
      key: fileKey,
      maxBytes,
      ...(options.stream instanceof Uint8Array ? { buffer: options.stream } : { stream: options.stream }),
    });
    stored.push(fileKey);
    if (blob.size === 0)
      throw new AppError("validation", {
        user: "The file is empty.",
        details: [{ message: "the file is empty" }],
      });

    let modelFormat: string | null = null;
    if (input.kind === "csv") {
      await validateCsv({ store, key: fileKey, buildDir, maxBytes });
    } else if (input.kind === "images") {
      const { sampleCount } = parseGenerationSettings(phase?.settings ?? null);
      await validateGeneratedImages({ store, key: fileKey, count: sampleCount });
    } else {
      modelFormat =
        input.kind === "generator"
          ? await validateGenerator({ store, key: fileKey, maxBytes, manifestJson: input.manifestJson })
          : await validateModel({
              store,
              key: fileKey,
              maxBytes,
              manifestJson: input.manifestJson,
            });
      if (input.manifestJson !== undefined) {
        await store.putBlob({
          key: manifestKeyFor(fileKey),
          buffer: Buffer.from(input.manifestJson),
          maxBytes: 1024 * 1024,
        });
        stored.push(manifestKeyFor(fileKey));
      }
    }

    const { submission, job } = await insertSubmission({
      db,
      now,
      countsAgainstQuota: quota.limit !== null,
      limit: quota.limit,
      data: {
        userId,
        datasetId: dataset.id,
        kind: input.kind,
        status: "queued",
        description: input.description,
        fileKey,
        fileName: input.fileName,
        fileSize: blob.size,
        sha256: blob.sha256,
        modelFormat,
        phaseId: phase?.id ?? null,
        track: phase?.track ?? input.track ?? DEFAULT_TRACK,
      },
      jobType: getTrack(input.track ?? DEFAULT_TRACK).handler as "score-submission" | "score-generation",
      quota,
    });
    return {
      submission,
      job,
      quota: {
        ...quota,
        used: quota.used + (submission.countsAgainstQuota ? 1 : 0),
        remaining: quota.remaining === null ? null : Math.max(0, quota.remaining - 1),
      },
    };
  } catch (error) {
    // Refused or failed: leave no orphan file behind. Best effort; the error that matters is the original one.
    await Promise.all(stored.map((key) => store.deleteBlob(key).catch(() => {})));
    throw error;
  }
}

function parseInput(options: CreateSubmissionOptions) {
  const parsed = createSubmissionInputSchema.safeParse({
    track: options.track,
    kind: options.kind,
    fileName: options.fileName,
    description: options.description,
    manifestJson: options.manifestJson,
  });
  if (!parsed.success) {
    throw new AppError("validation", {
      user: "Some fields of the upload are not valid.",
      details: zodDetails(parsed.error),
    });
  }
  const { track, kind, fileName } = parsed.data;
  const trackKind = findTrackKind(track, kind);
  if (!trackKind) {
    const kinds = getTrack(track).kinds.map((k) => k.kind);
    throw new AppError("validation", {
      user: `The ${track} track takes ${kinds.map((k) => `"${k}"`).join(" or ")} uploads, not "${kind}".`,
      details: [{ field: "kind", message: `expected ${kinds.join(" or ")} for the ${track} track` }],
    });
  }
  if (track !== DEFAULT_TRACK && !trackKind.extensions.includes(fileExtension(fileName))) {
    throw new AppError("validation", {
      user: `A ${trackKind.label.toLowerCase()} is uploaded as ${trackKind.extensions.join(" or ")}; "${fileName}" is not.`,
      details: [{ field: "fileName", message: `expected a ${trackKind.extensions.join(" or ")} file for kind ${kind}` }],
    });
  }
  if ((kind === "csv" || kind === "images") && parsed.data.manifestJson !== undefined) {
    throw new AppError("validation", {
      user: "A manifest is only sent with a model upload.",
      details: [
        {
          field: "manifestJson",
          message: kind === "csv" ? "a predictions CSV takes no manifest" : "a zip of images takes no manifest",
        },
      ],
    });
  }
  return parsed.data;
}

async function validateCsv(options: { store: BlobStore; key: string; buildDir: string; maxBytes: number }): Promise<void> {
  const expectedIds = await loadTestIds({ buildDir: options.buildDir });
  const result = await parsePredictionsCsv({
    input: await options.store.openBlob(options.key),
    expectedIds,
    maxBytes: options.maxBytes,
  });
  if (result.ok) return;
  const details: AppErrorDetail[] = result.errors.map((e) =>
    e.line === undefined ? { message: e.message } : { line: e.line, message: e.message },
  );
  if (result.unchecked) details.push(result.unchecked);
  const count = result.errors.length;
  // When checking stopped early there may be more: "at least".
  const counted = `${result.unchecked ? "at least " : ""}${count === 1 ? "1 problem" : `${count.toLocaleString("en-US")} problems`}`;
  throw new AppError("validation", {
    user: `The predictions file was not accepted: ${counted} to fix. Nothing was scored.`,
    internal: formatCsvProblems(result).slice(0, 5).join("; "),
    details,
  });
}

async function validateModel(options: { store: BlobStore; key: string; maxBytes: number; manifestJson?: string }): Promise<string> {
  const inspected = await withBlobFile({ store: options.store, key: options.key }, (file) =>
    inspectModelBundle({
      file,
      maxBytes: options.maxBytes,
      manifestJson: options.manifestJson,
    }),
  );
  if (inspected.ok) return inspected.bundle.format;
  throw new AppError("validation", {
    user: `The model was not accepted: ${inspected.errors.length === 1 ? "1 problem" : `${inspected.errors.length} problems`} to fix.`,
    internal: inspected.errors.slice(0, 5).join("; "),
    details: inspected.errors.map((message) => ({ message })),
  });
}

async function validateGenerator(options: { store: BlobStore; key: string; maxBytes: number; manifestJson?: string }): Promise<string> {
  const inspected = await withBlobFile({ store: options.store, key: options.key }, (file) =>
    inspectGeneratorBundle({ file, maxBytes: options.maxBytes, manifestJson: options.manifestJson }),
  );
  if (inspected.ok) return "onnx";
  throw new AppError("validation", {
    user: `The generator was not accepted: ${inspected.errors.length === 1 ? "1 problem" : `${inspected.errors.length} problems`} to fix.`,
    internal: inspected.errors.slice(0, 5).join("; "),
    details: inspected.errors.map((message) => ({ message })),
  });
}

async function validateGeneratedImages(options: { store: BlobStore; key: string; count: number }): Promise<void> {
  const checked = await withBlobFile({ store: options.store, key: options.key }, (file) =>
    checkGeneratedImagesZip({ file, count: options.count }),
  );
  if (checked.ok) return;
  throw new AppError("validation", {
    user: `The images were not accepted: ${checked.errors.length === 1 ? "1 problem" : `${checked.errors.length} problems`} to fix.`,
    internal: checked.errors.slice(0, 5).join("; "),
    details: checked.errors.map((message) => ({ message })),
  });
}

/**
 * The Submission and its Job, in one transaction, with the quota checked again inside it so
 * two uploads racing for the last slot cannot both get it: PostgreSQL row-locks the user first
 * (concurrent uploads of one user queue there); on SQLite the insert comes first, which takes
 * the database's single write lock before the count is read.
 */
async function insertSubmission(options: {
  db: Db;
  now: Date;
  countsAgainstQuota: boolean;
  limit: number | null;
  quota: SubmissionQuota;
  /** The track's scoring job (TrackDefinition.handler). */
  jobType: "score-submission" | "score-generation";
  data: Omit<Prisma.SubmissionUncheckedCreateInput, "countsAgainstQuota" | "createdAt">;
}): Promise<{ submission: Submission; job: Job }> {
  const { db, now, data } = options;
  return db.$transaction(async (tx) => {
    if (engineOfDb(db) === "postgres") await tx.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${data.userId} FOR UPDATE`;
    let submission = await tx.submission.create({
      data: {
        ...data,
        countsAgainstQuota: options.countsAgainstQuota,
        createdAt: now,
      },
    });
    // A team member's entry is the team's (lib/teams), and the team's members share one quota:
    // read after the insert (SQLite's write lock is held), the team row locked on PostgreSQL so
    // two members uploading at once count each other.
    const team = await getUserTeam({ db: tx, userId: data.userId });
    if (team) {
      if (engineOfDb(db) === "postgres") await tx.$queryRaw`SELECT "id" FROM "Team" WHERE "id" = ${team.id} FOR UPDATE`;
      submission = await tx.submission.update({ where: { id: submission.id }, data: { teamId: team.id } });
    }
    if (options.limit !== null) {
      const used = await countQuotaSubmissions({
        db: tx,
        userId: data.userId,
        teamId: team?.id,
        since: utcDayStart(now),
        phaseId: data.phaseId ?? null,
      });
      if (used > options.limit) throw quotaError({ ...options.quota, used: used - 1, remaining: 0 }, now);
    }
    const job = await enqueueJob({
      db: tx,
      type: options.jobType,
      payload: { submissionId: submission.id },
      submissionId: submission.id,
      // The submission id: a retried request cannot queue the same submission twice.
      idempotencyKey: submission.id,
    });
    return { submission, job };
  }, QUEUE_TRANSACTION_OPTIONS);
}

function quotaError(quota: SubmissionQuota, now: Date): AppError {
  const hours = Math.max(1, Math.ceil((quota.resetsAt.getTime() - now.getTime()) / 3_600_000));
  return new AppError("quota-exceeded", {
    user:
      `You have used all ${quota.limit} submissions for today (UTC). ` +
      `The limit resets at 00:00 UTC, in about ${hours} hour${hours === 1 ? "" : "s"}. Submissions that fail on our side do not count.`,
    retryAfterSeconds: Math.ceil((quota.resetsAt.getTime() - now.getTime()) / 1000),
  });
}
