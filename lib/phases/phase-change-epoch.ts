/**
 * A counter this process increments after every committed phase change (create, edit, delete,
 * reveal, hide). The leaderboard snapshot cache (lib/leaderboard/get-leaderboard-snapshot.ts)
 * remembers the value it loaded under and, when it moved, reloads before answering instead of
 * serving the old snapshot while it reloads: an organizer who hides the private board again
 * must not have it served for the seconds of a stale-while-revalidate window.
 *
 * On globalThis because Next.js bundles each route separately: the organizer's route and the
 * leaderboard page must see one counter. Other web processes notice the change through the
 * snapshot's version check (every second) instead.
 */
declare global {
  var __tinyPortraitsPhaseEpoch: number | undefined;
}

export function phaseChangeEpoch(): number {
  return globalThis.__tinyPortraitsPhaseEpoch ?? 0;
}

export function bumpPhaseChangeEpoch(): void {
  globalThis.__tinyPortraitsPhaseEpoch = phaseChangeEpoch() + 1;
}
