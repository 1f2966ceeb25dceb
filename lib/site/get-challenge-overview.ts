import "server-only";
import path from "node:path";
import fs from "node:fs/promises";
import { env } from "../env";
import { MOSAIC_HEIGHT, MOSAIC_WIDTH } from "../mosaic/render-mosaic";
import type { Attribute } from "../challenge/definition";

export interface ChallengeOverview {
  buildId: string;
  sourceKind: "synthetic" | "real";
  counts: { total: number; train: number; test: number; public: number; private: number };
  trainLabelCounts: Record<Attribute, Record<string, number>>;
  mosaic: { width: number; height: number };
}

/** What the public challenge page shows about the prepared dataset (no test labels). */
export async function getChallengeOverview(): Promise<ChallengeOverview | null> {
  const file = path.join(env().dataDir, "dataset", "current", "dataset.json");
  let manifest: any;
  try {
    manifest = JSON.parse(await fs.readFile(file, "utf8"));
  } catch {
    return null;
  }
  return {
    buildId: manifest.buildId,
    sourceKind: manifest.source.kind,
    counts: manifest.counts,
    trainLabelCounts: manifest.labelCounts.train,
    mosaic: { width: MOSAIC_WIDTH, height: MOSAIC_HEIGHT },
  };
}
