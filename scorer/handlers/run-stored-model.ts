import { text } from "node:stream/consumers";
import os from "node:os";
import path from "node:path";
import type { Db } from "../../lib/db/client";
import { sqliteFilePath, engineOf } from "../../lib/db/engine";
import { buildPaths } from "../../lib/dataset/layout";
import { env } from "../../lib/env";
import { isAppError } from "../../lib/errors/app-error";
import { recordSandboxRun } from "../../lib/observability/record-sandbox-run";
import type { Scores } from "../../lib/metrics/types";
import type { JobContext, JobResult } from "../../lib/queue/job-types";
import type { BlobStore } from "../../lib/storage/blob-store";
import { uploadsDir } from "../../lib/storage/local-disk-blob-store";
import { withBlobFile } from "../../lib/storage/with-blob-file";
import { manifestKeyFor } from "../../lib/submissions/submission-blob-keys";
import { resolveScoringBuild } from "../../lib/scoring/resolve-scoring-build";
import type { SandboxStats } from "../sandbox/run-model-in-sandbox";
import { sandboxMaskPaths, scoreModel, type ScoreModelResult } from "./score-model";

/**
 * What the model-running job handlers share: a model submission (score-submission) and a
 * winner's re-uploaded model (verify-submission) run the same way, from the blob store, in the
 * sandbox, with the uploads and the database folder masked as well as the labels. A generator
 * (score-generation) is read and masked the same way (readStoredManifest, storedUploadMaskPaths).
 */

// Dataset.buildId never changes for a row (a new build is a new Dataset row): cached per process.
const datasetBuildIds = new Map<string, string>();

/** The build folder of a dataset row, or undefined when the row or its build on disk is gone. */
export async function resolveDatasetBuild(options: { db: Db; dataDir: string; datasetId: string }): Promise<string | undefined> {
  let buildId = datasetBuildIds.get(options.datasetId);
  if (buildId === undefined) {
    buildId = (await options.db.dataset.findUnique({ where: { id: options.datasetId }, select: { buildId: true } }))?.buildId;
    if (buildId === undefined) return undefined;
    if (datasetBuildIds.size > 64) datasetBuildIds.clear();
    datasetBuildIds.set(options.datasetId, buildId);
  }
  return resolveScoringBuild({ dataDir: options.dataDir, buildId });
}

/**
 * Runs the model stored under `fileKey` (a zip, or a bare .onnx with its manifest.json beside it,
 * see lib/submissions/submission-blob-keys.ts) on the build's test images and scores it.
 * Participant faults come back as `ok: false`; platform faults throw (the queue retries).
 */
export async function runStoredModel(options: {
  /** The job running it: its data folder, blob store and abort signal. */
  job: Pick<JobContext<unknown>, "dataDir" | "store" | "signal">;
  fileKey: string;
  buildDir: string;
}): Promise<ScoreModelResult> {
  const { dataDir, store, signal } = options.job;
  const { buildDir } = options;
  const manifestJson = await readStoredManifest(store, options.fileKey);
  const tmpDir = os.tmpdir();
  const maskPaths = await storedUploadMaskPaths({ dataDir, needed: [buildPaths(buildDir).cacheDir, tmpDir] });
  const result = await withBlobFile({ store, key: options.fileKey, tmpDir }, (file) =>
    scoreModel({ dataDir, buildDir, file, manifestJson, maskPaths, tmpDir, signal }),
  );
  recordSandboxRun(
    result.ok ? { outcome: "ok", images: result.stats.images, imagesPerSecond: result.stats.imagesPerSecond } : { outcome: result.reason },
  );
  return result;
}

/** The scorer's first log line of a model run: images, speed, isolation. */
export function formatRunSummary(s: SandboxStats): string {
  return (
    `[scorer] ${s.images} images with ${s.backend} in ${s.seconds.toFixed(2)} s (${Math.round(s.imagesPerSecond)} images/s); ` +
    `model load ${s.loadSeconds.toFixed(2)} s, total ${s.totalSeconds.toFixed(2)} s; isolation: ${s.isolation}\n`
  );
}

/**
 * A refused or failed model run as the participant's failure (their file: it counts), with the
 * sandbox log excerpt.
 */
export function modelRunFailure(result: Extract<ScoreModelResult, { ok: false }>): JobResult {
  const prefix = result.reason === "bundle" ? "The model was refused: " : "The model run failed: ";
  return { ok: false, kind: "user", message: prefix + result.message, log: result.log };
}

/** Both parts' main scores. Null only if a split has no scorable row for any attribute: a broken build, not the file. */
export function requireMainScores(scores: Scores): { publicMain: number; privateMain: number } {
  const publicMain = scores.public.main;
  const privateMain = scores.private.main;
  if (publicMain === null || privateMain === null)
    throw new Error(`build has no scorable rows (public ${publicMain}, private ${privateMain})`);
  return { publicMain, privateMain };
}

/**
 * The manifest.json stored beside a bare .onnx upload (lib/submissions/submission-blob-keys.ts),
 * or undefined when there is none (a zip carries its own).
 */
export async function readStoredManifest(store: BlobStore, fileKey: string): Promise<string | undefined> {
  try {
    return await text(await store.openBlob(manifestKeyFor(fileKey)));
  } catch (error) {
    if (isAppError(error) && error.code === "not-found") return undefined;
    throw error;
  }
}

/**
 * The folders a run of a stored upload must not see besides the labels: the uploads (other
 * participants' files) and the SQLite database's folder, unless one holds a `needed` path
 * (sandboxMaskPaths).
 */
export function storedUploadMaskPaths(options: { dataDir: string; needed: string[] }): Promise<string[]> {
  return sandboxMaskPaths({ candidates: [uploadsDir(options.dataDir), ...databaseDirs()], needed: options.needed });
}

/** The SQLite database's folder (and its -wal/-shm files), when this process uses one. */
function databaseDirs(): string[] {
  const url = env().databaseUrl;
  return engineOf(url) === "sqlite" ? [path.dirname(path.resolve(sqliteFilePath(url)))] : [];
}
