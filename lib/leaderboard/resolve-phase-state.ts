import type { Phase } from "../db/client";
import { pickCurrentPhase } from "../phases/get-current-phase";
import { isPrivateRevealed } from "../phases/is-private-revealed";
import { phaseStatusAt, type PhaseStatus } from "../phases/phase-status";

/** What the leaderboard needs to know about the challenge timeline. */
export interface PhaseState {
  /** null: no Phase row, the board is public-only and open-ended. */
  phase: {
    id: string;
    name: string;
    startsAt: Date;
    endsAt: Date;
    status: PhaseStatus;
    maxFinal: number;
  } | null;
  /** May the private board (and any private number) leave the server? */
  privateRevealed: boolean;
  maxFinal: number;
}

export const DEFAULT_MAX_FINAL = 2;

/**
 * Which phase the leaderboard belongs to and whether private scores are revealed, by the same
 * rules as the rest of the site (lib/phases: pickCurrentPhase, isPrivateRevealed): revealed
 * when that phase has ended or an organizer revealed it early; no phase row, never.
 */
export function resolvePhaseState(options: {
  phases: readonly Pick<Phase, "id" | "name" | "startsAt" | "endsAt" | "maxFinal" | "privateRevealed">[];
  now: Date;
}): PhaseState {
  const { now } = options;
  const p = pickCurrentPhase({ phases: options.phases, now });
  if (!p) return { phase: null, privateRevealed: false, maxFinal: DEFAULT_MAX_FINAL };
  const maxFinal = p.maxFinal > 0 ? p.maxFinal : DEFAULT_MAX_FINAL;
  return {
    phase: { id: p.id, name: p.name, startsAt: p.startsAt, endsAt: p.endsAt, status: phaseStatusAt({ phase: p, now }), maxFinal },
    privateRevealed: isPrivateRevealed(p, now),
    maxFinal,
  };
}
