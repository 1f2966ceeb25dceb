/*
 * What a participant's own pages and the JSON API may show of a submission. Built from rows by
 * the read operations of this folder; no private score ever goes into a summary, and a detail
 * carries one only when the caller has established that it is revealed.
 */
import type { SubmissionKind, SubmissionStatus, FailureKind } from "../db/enums";
import type { SplitScores } from "../metrics/types";
import type { PublicScoresView } from "./public-scores-view";

export interface SubmissionSummary {
  id: string;
  createdAt: Date;
  kind: SubmissionKind;
  fileName: string;
  fileSize: number;
  description: string;
  status: SubmissionStatus;
  modelFormat: string | null;
  /** Main score on the public part; null until scored. */
  publicMain: number | null;
  /** Why it failed (plain text written by the scorer), when status = failed. */
  errorMessage: string | null;
  failureKind: FailureKind | null;
  countsAgainstQuota: boolean;
  isFinal: boolean;
  isBaseline: boolean;
  disqualified: { at: Date; reason: string } | null;
  scoredAt: Date | null;
  /** Scored, and an organizer's rescore of it is queued or running: the score shown may change. */
  rescoring: boolean;
}

export interface SubmissionDetail extends SubmissionSummary {
  /** The track (lib/tracks): a generation entry's scores are read by lib/generation/read-generation-result.ts, not publicScores. */
  track: string;
  sha256: string;
  startedAt: Date | null;
  /** Excerpt of the sandbox log (model submissions). */
  log: string | null;
  /** As the viewer may see them now: rounded or laddered, per-class detail withheld until the reveal. */
  publicScores: PublicScoresView | null;
  /** Only when the private leaderboard is revealed; otherwise null whatever the scorer wrote. */
  privateMain: number | null;
  privateScores: SplitScores | null;
  privateRevealed: boolean;
  /** Whether the viewer owns it (organizers may view others' submissions but not download them). */
  isOwner: boolean;
  owner: { name: string };
}

/** Columns a summary needs; `score.publicMain` only, so private numbers are never even read. */
export const SUMMARY_SELECT = {
  id: true,
  createdAt: true,
  kind: true,
  fileName: true,
  fileSize: true,
  description: true,
  status: true,
  modelFormat: true,
  errorMessage: true,
  failureKind: true,
  countsAgainstQuota: true,
  isFinal: true,
  baselineId: true,
  disqualifiedAt: true,
  disqualifiedReason: true,
  scoredAt: true,
  score: { select: { publicMain: true } },
  // A pending scoring job of a scored submission is an organizer's rescore (lib/rescore, lib/organizer/rescore-submission.ts).
  jobs: { where: { type: "score-submission", status: { in: ["queued", "running"] as string[] } }, select: { id: true }, take: 1 },
} as const;

export interface SummaryRow {
  id: string;
  createdAt: Date;
  kind: string;
  fileName: string;
  fileSize: number;
  description: string;
  status: string;
  modelFormat: string | null;
  errorMessage: string | null;
  failureKind: string | null;
  countsAgainstQuota: boolean;
  isFinal: boolean;
  baselineId: string | null;
  disqualifiedAt: Date | null;
  disqualifiedReason: string | null;
  scoredAt: Date | null;
  score: { publicMain: number } | null;
  jobs?: { id: string }[];
}

export function toSubmissionSummary(row: SummaryRow): SubmissionSummary {
  const scored = row.status === "scored" && row.score !== null;
  return {
    id: row.id,
    createdAt: row.createdAt,
    kind: row.kind as SubmissionKind,
    fileName: row.fileName,
    fileSize: row.fileSize,
    description: row.description,
    status: row.status as SubmissionStatus,
    modelFormat: row.modelFormat,
    // A rescoring in progress may leave an old Score row: show a number only for a scored submission.
    publicMain: scored && Number.isFinite(row.score!.publicMain) ? row.score!.publicMain : null,
    errorMessage: row.status === "failed" ? row.errorMessage : null,
    failureKind: row.status === "failed" ? (row.failureKind as FailureKind | null) : null,
    countsAgainstQuota: row.countsAgainstQuota,
    isFinal: row.isFinal,
    isBaseline: row.baselineId !== null,
    disqualified: row.disqualifiedAt ? { at: row.disqualifiedAt, reason: row.disqualifiedReason ?? "" } : null,
    scoredAt: row.scoredAt,
    rescoring: row.status === "scored" && (row.jobs?.length ?? 0) > 0,
  };
}

/** Queued or running: the pages keep polling while any submission is in one of these. */
export function isPending(status: SubmissionStatus): boolean {
  return status === "queued" || status === "running";
}
