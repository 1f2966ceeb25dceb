import type { Db, DbTransaction } from "../db/client";
import { isPrivateRevealed } from "../phases/is-private-revealed";
import { DEFAULT_TRACK } from "../phases/phase-input";

/** The default number of final submissions when no phase says otherwise (docs/challenge.md). */
export const DEFAULT_MAX_FINAL = 2;

export interface PhaseRules {
  /** The phase these rules come from; null when no phase is configured. */
  phase: { id: string; name: string; endsAt: Date } | null;
  /** How many final submissions a participant may select. */
  maxFinal: number;
  /** Whether the final selection may still be changed (not after the phase has ended). */
  selectionOpen: boolean;
  /** Whether private scores may leave the server. */
  privateRevealed: boolean;
}

/**
 * The rules of the phase of `track` (default attributes) a participant's submissions belong to now: the phase running now
 * (the latest-starting if they overlap), else the one that ended last, else the next one --
 * the same phase the leaderboard shows.
 *
 * Private scores are revealed by the one rule of lib/phases/is-private-revealed.ts (phase ended,
 * or an organizer revealed them early), the same as the leaderboard's.
 */
export async function getPhaseRules(options: { db: Db | DbTransaction; now?: Date; track?: string }): Promise<PhaseRules> {
  const now = options.now ?? new Date();
  const phases = await options.db.phase.findMany({
    where: { track: options.track ?? DEFAULT_TRACK },
    select: { id: true, name: true, startsAt: true, endsAt: true, maxFinal: true, privateRevealed: true },
  });
  const t = now.getTime();
  const running = phases
    .filter((p) => p.startsAt.getTime() <= t && t < p.endsAt.getTime())
    .sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime())[0];
  const ended = phases.filter((p) => p.endsAt.getTime() <= t).sort((a, b) => b.endsAt.getTime() - a.endsAt.getTime())[0];
  const upcoming = phases.filter((p) => p.startsAt.getTime() > t).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
  const phase = running ?? ended ?? upcoming;
  if (!phase) return { phase: null, maxFinal: DEFAULT_MAX_FINAL, selectionOpen: true, privateRevealed: false };
  return {
    phase: { id: phase.id, name: phase.name, endsAt: phase.endsAt },
    maxFinal: phase.maxFinal > 0 ? phase.maxFinal : DEFAULT_MAX_FINAL,
    selectionOpen: phase !== ended && !phase.privateRevealed,
    privateRevealed: isPrivateRevealed(phase, now),
  };
}
