import type { Db, DbTransaction, Phase } from "../db/client";
import { pickCurrentPhase } from "./get-current-phase";
import { isPrivateRevealed } from "./is-private-revealed";
import { phaseStatusAt, type PhaseStatus } from "./phase-status";
import { parseAcceptedKinds } from "./phase-input";
import type { SubmissionKind } from "../db/enums";

export interface PhaseTimelineEntry {
  id: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
  dailyLimit: number;
  maxFinal: number;
  privateRevealed: boolean;
  /** How participants see public scores until the reveal, and the rounding / Ladder step. */
  scoreVisibility: string;
  ladderStep: number;
  track: string;
  /** The submission kinds the phase accepts, in the site's order ("csv", "model"). */
  acceptedKinds: SubmissionKind[];
  teamSizeCap: number;
  /** null: teams may form until the phase ends. */
  mergeDeadline: Date | null;
  description: string;
  status: PhaseStatus;
  /** Upcoming: until it starts. Running: until it ends. Ended: 0. Milliseconds. */
  msRemaining: number;
  /** The phase getCurrentPhase would return. */
  isCurrent: boolean;
}

export interface PhaseTimeline {
  now: Date;
  /** All phases, earliest start first. */
  phases: PhaseTimelineEntry[];
  current: PhaseTimelineEntry | null;
}

/** Pure: the timeline of the given phases at `now` (tests and callers that already hold the rows). */
export function buildPhaseTimeline(options: { phases: readonly Phase[]; now: Date }): PhaseTimeline {
  const { now } = options;
  const current = pickCurrentPhase({ phases: options.phases, now });
  const entries = [...options.phases]
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.endsAt.getTime() - b.endsAt.getTime())
    .map((phase): PhaseTimelineEntry => {
      const status = phaseStatusAt({ phase, now });
      const target = status === "upcoming" ? phase.startsAt : status === "running" ? phase.endsAt : now;
      return {
        id: phase.id,
        name: phase.name,
        startsAt: phase.startsAt,
        endsAt: phase.endsAt,
        dailyLimit: phase.dailyLimit,
        maxFinal: phase.maxFinal,
        privateRevealed: isPrivateRevealed(phase, now),
        scoreVisibility: phase.scoreVisibility,
        ladderStep: phase.ladderStep,
        track: phase.track,
        acceptedKinds: parseAcceptedKinds(phase.acceptedKinds),
        teamSizeCap: phase.teamSizeCap,
        mergeDeadline: phase.mergeDeadline,
        description: phase.description,
        status,
        msRemaining: Math.max(0, target.getTime() - now.getTime()),
        isCurrent: phase.id === current?.id,
      };
    });
  return { now, phases: entries, current: entries.find((e) => e.isCurrent) ?? null };
}

/** Every phase with its status and time left, for the challenge page and the organizer dashboard. */
export async function getPhaseTimeline(options: { db: Db | DbTransaction; now?: Date }): Promise<PhaseTimeline> {
  const phases = await options.db.phase.findMany({ orderBy: { startsAt: "asc" } });
  return buildPhaseTimeline({ phases, now: options.now ?? new Date() });
}
