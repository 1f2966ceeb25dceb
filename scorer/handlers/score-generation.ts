import os from "node:os";
import { IMAGE_BYTES } from "../../lib/challenge/definition";
import { composeImageSheet, SHEET_COLUMNS } from "../../lib/generation/compose-image-sheet";
import { gridKeyFor, samplesKeyFor } from "../../lib/generation/gallery-keys";
import type { GridRow } from "../../lib/generation/read-generation-result";
import { GALLERY_SAMPLES } from "../../lib/generation/score-generated-images";
import { parseGenerationSettings } from "../../lib/generation/generation-settings";
import { loadFeatureNetwork } from "../../lib/generation/load-feature-network";
import type { JobContext, JobHandler, JobPayload, JobResult } from "../../lib/queue/job-types";
import { resolveScoringBuild } from "../../lib/scoring/resolve-scoring-build";
import type { BlobStore } from "../../lib/storage/blob-store";
import { withBlobFile } from "../../lib/storage/with-blob-file";
import { scoreGenerationFile } from "./score-generation-file";
import { readStoredManifest, storedUploadMaskPaths } from "./run-stored-model";
import { scoredSubmission } from "./scored-submission";
import { scoreSubmissionHandler } from "./score-submission";

type Payload = JobPayload<"score-generation">;

/**
 * The `score-generation` job (generation track, lib/tracks/generation-track.ts): a generator is
 * run in the sandbox for the phase's N images from the phase's seed, an images zip is decoded;
 * both are scored in the phase's pinned feature network (scoreGenerationFile). Score.publicMain
 * and privateMain hold the main score (FPD x memorisation penalty, lower is better) on the public
 * and private test parts; Score.public/private hold every metric of that part plus the shared
 * memorisation details (near-copy threshold, each gallery sample's nearest train image).
 * Failures and releases are handled like score-submission's (same Submission columns).
 */
export const scoreGenerationHandler: JobHandler<Payload> = {
  run: runScoreGeneration,
  onFailure: (args) => scoreSubmissionHandler.onFailure!(args),
  onRelease: (args) => scoreSubmissionHandler.onRelease!(args),
};

async function runScoreGeneration(ctx: JobContext<Payload>): Promise<JobResult> {
  const { db, payload, dataDir } = ctx;
  const started = performance.now();
  const startedAt = new Date();
  const submission = await db.submission.findUnique({ where: { id: payload.submissionId }, include: { phase: true, dataset: true } });
  if (!submission) return { ok: true };
  if (submission.track !== "generation" || (submission.kind !== "generator" && submission.kind !== "images"))
    return {
      ok: false,
      kind: "system",
      retry: false,
      message: "This submission is not a generation-track entry and cannot be scored as one.",
      internal: `score-generation got track ${submission.track}, kind ${submission.kind}`,
    };
  await db.submission.updateMany({
    where: { id: submission.id, status: { in: ["queued", "running"] } },
    data: { status: "running", startedAt },
  });
  const buildDir = await resolveScoringBuild({ dataDir, buildId: submission.dataset.buildId });
  if (!buildDir)
    return {
      ok: false,
      kind: "system",
      retry: false,
      message: "The challenge's test set was replaced after this submission was made, so it cannot be scored. Please submit again.",
      internal: `build ${submission.dataset.buildId} is no longer on disk`,
    };
  const settings = parseGenerationSettings(submission.phase?.settings ?? null);
  const featureNetwork = await loadFeatureNetwork({
    db,
    store: ctx.store,
    sha256: settings.featureNetworkSha256,
    datasetId: submission.datasetId,
  });
  const manifestJson = submission.kind === "generator" ? await readStoredManifest(ctx.store, submission.fileKey) : undefined;
  const tmpDir = os.tmpdir();
  const maskPaths = await storedUploadMaskPaths({ dataDir, needed: [tmpDir] });
  const result = await withBlobFile({ store: ctx.store, key: submission.fileKey, tmpDir }, (file) =>
    scoreGenerationFile({
      dataDir,
      buildDir,
      kind: submission.kind as "generator" | "images",
      file,
      manifestJson,
      featureNetwork,
      settings,
      maskPaths,
      tmpDir,
      signal: ctx.signal,
      log: ctx.log,
      keepSamples: GALLERY_SAMPLES,
    }),
  );
  if (!result.ok) {
    const prefix =
      result.reason === "bundle"
        ? "The generator was refused: "
        : result.reason === "images"
          ? "The images were refused: "
          : "The generator run failed: ";
    return { ok: false, kind: "user", message: prefix + result.message, log: result.log };
  }
  const { score } = result;
  // The gallery: the first 64 samples (fixed seeds) as one 8 x 8 sheet PNG beside the upload
  // (~0.5-1 MB), replaced on a rescore. The nearest train images are read at display time.
  const gallery = result.samples ? await storeSampleSheet(ctx.store, submission.fileKey, result.samples) : null;
  // A conditional generator's grid per requested attribute: up to 4 samples per class, wherever
  // they fall in the run (rare classes often first appear past the 64 above), as grid.png beside
  // samples.png, one row per class. A rescore without a grid removes an old one.
  const attributeGridSheet = await storeGridSheet(ctx.store, submission.fileKey, result.grid);
  const shared = {
    featureNetwork: featureNetwork.sha256,
    samples: score.generatedCount,
    seed: settings.seed,
    heldOutMeanMinCosine: score.heldOutMeanMinCosine,
    nearCopyThreshold: score.nearCopyThreshold,
    eps: score.eps,
    floor: score.floor,
    nearestTrain: score.nearestTrain,
    gallery,
    attributeGridSheet,
  };
  const summary = result.stats
    ? `[scorer] ${result.stats.images} images in ${result.stats.seconds.toFixed(1)} s (${Math.round(result.stats.imagesPerSecond)} images/s); isolation: ${result.stats.isolation}\n`
    : `[scorer] ${score.generatedCount} uploaded images\n`;
  return scoredSubmission({
    submission,
    timing: { started, startedAt },
    score: {
      publicMain: score.public.main,
      privateMain: score.private.main,
      public: { ...score.public, ...shared },
      private: { ...score.private, ...shared },
    },
    log: summary + result.log,
    modelFormat: result.modelFormat,
  });
}

async function storeSampleSheet(
  store: BlobStore,
  fileKey: string,
  samples: Uint8Array,
): Promise<{ count: number; columns: number; bytes: number }> {
  const count = Math.floor(samples.length / IMAGE_BYTES);
  const png = composeImageSheet({ pixels: samples, count, columns: SHEET_COLUMNS });
  const key = samplesKeyFor(fileKey);
  await store.deleteBlob(key);
  await store.putBlob({ key, buffer: png, maxBytes: 16 * 1024 * 1024 });
  return { count, columns: SHEET_COLUMNS, bytes: png.length };
}

async function storeGridSheet(
  store: BlobStore,
  fileKey: string,
  grid: { columns: number; rows: GridRow[]; pixels: Uint8Array } | undefined,
): Promise<{ columns: number; rows: GridRow[]; bytes: number } | null> {
  const key = gridKeyFor(fileKey);
  await store.deleteBlob(key);
  if (!grid || grid.rows.length === 0) return null;
  const png = composeImageSheet({ pixels: grid.pixels, count: grid.rows.length * grid.columns, columns: grid.columns });
  await store.putBlob({ key, buffer: png, maxBytes: 16 * 1024 * 1024 });
  return { columns: grid.columns, rows: grid.rows, bytes: png.length };
}
