import type { Phase } from "../db/client";

export type PhaseStatus = "upcoming" | "running" | "ended";

/** The fields of a phase that decide where it stands in time. */
export type PhaseDates = Pick<Phase, "startsAt" | "endsAt">;

/**
 * Where a phase stands at `now`. Half-open interval [startsAt, endsAt): at the instant endsAt
 * the phase has ended, so "running" and "ended" never overlap and a deadline means "before".
 */
export function phaseStatusAt(options: { phase: PhaseDates; now: Date }): PhaseStatus {
  const now = options.now.getTime();
  if (now < options.phase.startsAt.getTime()) return "upcoming";
  if (now < options.phase.endsAt.getTime()) return "running";
  return "ended";
}
