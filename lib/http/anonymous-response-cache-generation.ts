import type { Db } from "../db/client";
import { getLeaderboardSnapshot } from "../leaderboard/get-leaderboard-snapshot";

/**
 * What the anonymous response cache asks before every answer (scripts/serve-web.ts): the
 * leaderboard snapshot the pages render from right now. A new snapshot object means its
 * fingerprint (readLeaderboardVersion: scores, submissions, users, baselines, phases and the
 * reveal state, including a phase end passing with no write) moved, and the cache empties.
 *
 * The snapshot cache is shared with the pages (keyed by the same client, on globalThis), so:
 * - the database is asked at most every maxAgeMs however many requests arrive, and a changed
 *   board is reloaded in the background (stale-while-revalidate) as for an uncached page: the
 *   cache adds no staleness of its own and no request waits for a reload. maxAgeMs is the
 *   snapshot's own default (1 s), not shorter: each change costs a full snapshot reload (~0.5 s
 *   of CPU for 1,000 competitors), and with submissions scored every second or two a 250 ms
 *   check kept the server reloading most of the time (bench:web's reveal-day run);
 * - the snapshot only moves forward and a page renders from the one current when it renders, so
 *   a cached answer tagged with the current snapshot was rendered from it: once one visitor sees
 *   the revealed board, no cached page shows the old one (no public/private mix across pages).
 */
export function leaderboardCacheGeneration(options: { db: () => Db; maxAgeMs?: number }): () => Promise<unknown> {
  const maxAgeMs = options.maxAgeMs ?? 1000;
  return () => getLeaderboardSnapshot({ db: options.db(), maxAgeMs });
}
