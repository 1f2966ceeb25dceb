import type { Db } from "../db/client";
import type { BlobStore } from "../storage/blob-store";
import { buildPaths } from "../dataset/layout";
import { resolveScoringBuild } from "../scoring/resolve-scoring-build";
import { findBaseline } from "./baseline-definitions";
import { runBaseline } from "./run-baseline";

/** Baselines cheap enough (seconds) to train on every fresh instance at start-up. */
export const QUICK_BASELINES = ["prior", "colour-features"] as const;

/**
 * Makes sure the quick baselines have an entry on the current dataset, so a fresh instance's
 * leaderboard shows what "floor" and "simple" look like. A baseline with a queued, running or
 * scored submission on the current dataset is left alone; the worker scores new ones.
 */
export async function ensureQuickBaselines(options: {
  db: Db;
  dataDir: string;
  store?: BlobStore;
  log: (msg: string) => void;
}): Promise<string[]> {
  const { db, dataDir, store, log } = options;
  const dataset = await db.dataset.findFirst({ where: { isCurrent: true } });
  const buildDir = dataset ? await resolveScoringBuild({ dataDir, buildId: dataset.buildId }) : undefined;
  if (!dataset || !buildDir) return [];
  const submitted: string[] = [];
  for (const name of QUICK_BASELINES) {
    const existing = await db.submission.findFirst({
      where: { baseline: { name }, datasetId: dataset.id, status: { in: ["queued", "running", "scored"] } },
      select: { id: true },
    });
    if (existing) continue;
    const baseline = findBaseline(name)!;
    const result = await runBaseline({ db, baseline, cacheDir: buildPaths(buildDir).cacheDir, dataDir, store });
    log(`baseline ${name} trained in ${result.artifact.trainSeconds.toFixed(1)} s and submitted for scoring`);
    submitted.push(name);
  }
  return submitted;
}
