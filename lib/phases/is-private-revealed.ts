import type { Phase } from "../db/client";

/**
 * Whether private scores may leave the server. Only an organizer's explicit reveal
 * (privateRevealed = true) opens them: the end date passing is not enough, because organizers
 * usually check the final selections and disqualifications before the private board is final.
 * No phase: never.
 */
export function isPrivateRevealed(phase: Pick<Phase, "privateRevealed"> | null | undefined): boolean {
  return phase?.privateRevealed === true;
}
