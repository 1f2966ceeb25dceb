import "server-only";
import { env } from "../env";
import { getDb } from "../db/client";
import { readPreparedDataset } from "../dataset/read-prepared-dataset";
import { MOSAIC_HEIGHT, MOSAIC_WIDTH } from "../mosaic/render-mosaic";
import type { Attribute } from "../challenge/definition";
import { DEFAULT_MAX_FINAL } from "../phases/ensure-default-phase";
import { getPhaseTimeline, type PhaseTimeline } from "../phases/get-phase-timeline";
import { isPrivateRevealed } from "../phases/is-private-revealed";
import type { SubmissionKind } from "../db/enums";

/** Phase.teamSizeCap's schema default, said while no phase exists. */
const DEFAULT_TEAM_SIZE_CAP = 5;

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
    /** The phase these numbers come from (the current one); null before any phase exists. */
    phaseName: string | null;
    /** Whether a participant can submit right now: the current phase runs and its daily limit is above 0. */
    submissionsOpen: boolean;
    /** Submissions per participant per UTC day in the current phase (DAILY_SUBMISSION_LIMIT without a phase). */
    dailyLimit: number;
    /** What the current phase accepts ("csv", "model"). */
    acceptedKinds: SubmissionKind[];
    /** Largest team in the current phase. */
    teamSizeCap: number;
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
  // The current phase is the running one, else the next (lib/phases/get-current-phase.ts): its
  // numbers are the ones a participant plans with; the quota applies them once it runs.
  const dailyLimit = current ? current.dailyLimit : env().DAILY_SUBMISSION_LIMIT;
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
      phaseName: current?.name ?? null,
      submissionsOpen: current?.status === "running" && current.dailyLimit > 0,
      dailyLimit,
      acceptedKinds: current?.acceptedKinds ?? ["csv", "model"],
      teamSizeCap: current?.teamSizeCap ?? DEFAULT_TEAM_SIZE_CAP,
      maxFinal: current?.maxFinal ?? DEFAULT_MAX_FINAL,
      privateRevealed: isPrivateRevealed(current, options.now),
    },
  };
}
