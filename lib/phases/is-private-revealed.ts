import type { Phase } from "../db/client";

/**
 * Whether private scores may leave the server: once the phase has ended (docs/challenge.md:
 * "only public scores are shown until the phase ends"; issue 4: "after the phase ends, the
 * private leaderboard"), or earlier when an organizer reveals them. Organizers who want to
 * review final selections first extend the end date. No phase: never.
 *
 * The one rule for the leaderboard and the participants' own pages.
 */
export function isPrivateRevealed(phase: Pick<Phase, "privateRevealed" | "endsAt"> | null | undefined, now: Date = new Date()): boolean {
  if (!phase) return false;
  return phase.privateRevealed === true || phase.endsAt.getTime() <= now.getTime();
}
