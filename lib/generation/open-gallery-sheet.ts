import { buffer } from "node:stream/consumers";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { resolveScoringBuild } from "../scoring/resolve-scoring-build";
import type { BlobStore } from "../storage/blob-store";
import { getTermsStatus } from "../terms/get-terms-status";
import { composeImageSheet } from "./compose-image-sheet";
import { gridKeyFor, samplesKeyFor } from "./gallery-keys";
import { readGenerationResult } from "./read-generation-result";
import { readTrainPortraits } from "./read-train-portraits";

export type GallerySheet = "samples" | "nearest" | "grid";

/**
 * One of a scored generation submission's gallery sheets (PNG, 8 per row):
 * - "samples": its first 64 generated images, stored at scoring time;
 * - "grid": a conditional generator's attribute grid (up to 4 samples per requested class,
 *   wherever they fall in the run), stored at scoring time; "not found" for other entries;
 * - "nearest": the TRAIN portrait nearest to each of them in the feature network, cut from the
 *   train tensor cache of the submission's dataset build (never a test image).
 *
 * Access as on the submission page: the owner or an organizer; anyone else gets "not found",
 * like a missing submission. The nearest train portraits are dataset images: only for viewers
 * who accepted the current terms (organizers always), else "forbidden".
 */
export async function openGallerySheet(options: {
  db: Db;
  store: BlobStore;
  dataDir: string;
  submissionId: string;
  user: { id: string; role: string };
  sheet: GallerySheet;
}): Promise<Buffer> {
  const { db, user, submissionId } = options;
  const notFound = new AppError("not-found", { user: "There is no such gallery.", internal: `gallery of ${submissionId}` });
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(submissionId)) throw notFound;
  const row = await db.submission.findFirst({
    where: user.role === "organizer" ? { id: submissionId } : { id: submissionId, userId: user.id },
    select: { track: true, status: true, fileKey: true, dataset: { select: { buildId: true } }, score: { select: { public: true } } },
  });
  if (!row || row.track !== "generation" || row.status !== "scored" || !row.score) throw notFound;
  const result = readGenerationResult({ public: row.score.public, private: null });
  if (!result.gallery) throw notFound;
  if (options.sheet === "samples") return buffer(await options.store.openBlob(samplesKeyFor(row.fileKey)));
  if (options.sheet === "grid") {
    if (!result.grid) throw notFound;
    return buffer(await options.store.openBlob(gridKeyFor(row.fileKey)));
  }

  if (user.role !== "organizer" && !(await getTermsStatus({ db, userId: user.id })).acceptedCurrent)
    throw new AppError("forbidden", { user: "The nearest training portraits are dataset images: accept the current terms to see them." });
  const buildDir = await resolveScoringBuild({ dataDir: options.dataDir, buildId: row.dataset.buildId });
  if (!buildDir)
    throw new AppError("not-found", {
      user: "The dataset this submission was scored on has been replaced; its training portraits are no longer here.",
    });
  const rows = result.nearest.slice(0, result.gallery.count).map((n) => n.train);
  if (rows.length === 0) throw notFound;
  const pixels = await readTrainPortraits({ buildDir, rows });
  return composeImageSheet({ pixels, count: rows.length, columns: result.gallery.columns });
}
