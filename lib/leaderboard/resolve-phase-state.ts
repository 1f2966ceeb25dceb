import type { Phase } from "../db/client";

/** What the leaderboard needs to know about the challenge timeline. */
export interface PhaseState {
  /** null: no Phase row, the board is public-only and open-ended. */
  phase: {
    name: string;
    startsAt: Date;
    endsAt: Date;
    status: "upcoming" | "running" | "ended";
    maxFinal: number;
  } | null;
  /** May the private board (and any private number) leave the server? */
  privateRevealed: boolean;
  maxFinal: number;
}

export const DEFAULT_MAX_FINAL = 2;

/**
 * Which phase the leaderboard belongs to, and whether private scores are revealed.
 *
 * The phase: the one running now (the latest-starting if they overlap); else the one that
 * ended last (the board after the challenge); else the next upcoming one. The private board is
 * revealed when that phase has ended (DESIGN.md section 3: "only public scores are shown until
 * the phase ends") or when an organizer set privateRevealed early. No phase row: never revealed.
 */
export function resolvePhaseState(options: { phases: readonly Pick<Phase, "name" | "startsAt" | "endsAt" | "maxFinal" | "privateRevealed">[]; now: Date }): PhaseState {
  const now = options.now.getTime();
  const byStart = [...options.phases].sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime());
  const running = byStart.find((p) => p.startsAt.getTime() <= now && now < p.endsAt.getTime());
  const ended = [...options.phases].filter((p) => p.endsAt.getTime() <= now).sort((a, b) => b.endsAt.getTime() - a.endsAt.getTime())[0];
  const upcoming = [...byStart].reverse().find((p) => p.startsAt.getTime() > now);
  const p = running ?? ended ?? upcoming;
  if (!p) return { phase: null, privateRevealed: false, maxFinal: DEFAULT_MAX_FINAL };
  const status = p === running ? "running" : p === ended ? "ended" : "upcoming";
  const maxFinal = p.maxFinal > 0 ? p.maxFinal : DEFAULT_MAX_FINAL;
  return {
    phase: { name: p.name, startsAt: p.startsAt, endsAt: p.endsAt, status, maxFinal },
    privateRevealed: p.privateRevealed || status === "ended",
    maxFinal,
  };
}
