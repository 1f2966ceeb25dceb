import "server-only";
import { env } from "../env";
import { getDb } from "../db/client";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import { MOSAIC_HEIGHT, MOSAIC_WIDTH } from "../mosaic/render-mosaic";
import type { Attribute } from "../challenge/definition";
import { DEFAULT_MAX_FINAL } from "../phases/ensure-default-phase";
import { getPhaseTimeline, type PhaseTimeline } from "../phases/get-phase-timeline";
import { isPrivateRevealed } from "../phases/is-private-revealed";

export interface DatasetOverview {
  buildId: string;
  sourceKind: "synthetic" | "real";
  counts: { total: number; train: number; test: number; public: number; private: number };
  trainLabelCounts: Record<Attribute, Record<string, number>>;
  mosaic: { width: number; height: number };
}

export interface ChallengeOverview {
  /** null until an organizer (or `npm start`) has prepared a dataset. */
  dataset: DatasetOverview | null;
  timeline: PhaseTimeline;
  rules: {
    /** Submissions per participant per UTC day now: the current phase's, else DAILY_SUBMISSION_LIMIT. */
    dailyLimit: number;
    /** Final submissions a participant may select for the private leaderboard. */
    maxFinal: number;
    privateRevealed: boolean;
  };
}

/**
 * What the public challenge page shows: the prepared dataset (train label counts only, nothing
 * about test labels), the phase timeline and the rules' numbers as they apply right now.
 */
export async function getChallengeOverview(options: { now?: Date } = {}): Promise<ChallengeOverview> {
  const [dataset, timeline] = await Promise.all([readPreparedDataset(env().dataDir), getPhaseTimeline({ db: getDb(), now: options.now })]);
  const current = timeline.current;
  // The quota applies a phase's limit only while it runs (get-submission-quota.ts); say the same.
  const dailyLimit = current?.status === "running" ? current.dailyLimit : env().DAILY_SUBMISSION_LIMIT;
  return {
    dataset: dataset
      ? {
          buildId: dataset.buildId,
          sourceKind: dataset.source.kind,
          counts: dataset.counts,
          trainLabelCounts: dataset.labelCounts.train,
          mosaic: { width: MOSAIC_WIDTH, height: MOSAIC_HEIGHT },
        }
      : null,
    timeline,
    rules: {
      dailyLimit,
      maxFinal: current?.maxFinal ?? DEFAULT_MAX_FINAL,
      privateRevealed: isPrivateRevealed(current, options.now),
    },
  };
}
