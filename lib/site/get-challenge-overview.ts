import "server-only";
import { env } from "../env";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import { MOSAIC_HEIGHT, MOSAIC_WIDTH } from "../mosaic/render-mosaic";
import type { Attribute } from "../challenge/definition";

export interface ChallengeOverview {
  buildId: string;
  sourceKind: "synthetic" | "real";
  counts: { total: number; train: number; test: number; public: number; private: number };
  trainLabelCounts: Record<Attribute, Record<string, number>>;
  mosaic: { width: number; height: number };
}

/** What the public challenge page shows about the prepared dataset (nothing about test labels). */
export async function getChallengeOverview(): Promise<ChallengeOverview | null> {
  const dataset = await readPreparedDataset(env().dataDir);
  if (!dataset) return null;
  return {
    buildId: dataset.buildId,
    sourceKind: dataset.source.kind,
    counts: dataset.counts,
    trainLabelCounts: dataset.labelCounts.train,
    mosaic: { width: MOSAIC_WIDTH, height: MOSAIC_HEIGHT },
  };
}
