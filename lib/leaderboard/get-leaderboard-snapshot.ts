import type { Db } from "../db/client";
import { loadLeaderboardSnapshot, type LeaderboardSnapshot } from "./load-leaderboard-snapshot";
import { readLeaderboardVersion } from "./read-leaderboard-version";
import { phaseChangeEpoch } from "../phases/phase-change-epoch";

/**
 * The leaderboard snapshot through an in-process cache, so a burst of visitors costs one
 * fingerprint query a second instead of a 20,000-row read per request.
 *
 * - A snapshot confirmed current less than maxAgeMs ago is used as is.
 * - Older: the fingerprint (readLeaderboardVersion) is read again; unchanged, the snapshot is
 *   confirmed; changed, a new one is loaded. One refresh at a time per database client: the
 *   requests arriving meanwhile share it.
 * - While a refresh runs, a snapshot confirmed less than maxAgeMs + staleMs ago is served
 *   (stale-while-revalidate), so a reload never stalls a burst of requests. Older than that
 *   (a quiet site), the request waits for the refresh: a new score shows within about
 *   maxAgeMs + the refresh time, never minutes later.
 *
 * - A snapshot is also reloaded when older than 5 minutes even if nothing changed: the rank
 *   change compares with "24 h before the snapshot", and the phase may end meanwhile (that
 *   one is also in the fingerprint, so the reveal is never late by more than maxAgeMs).
 *
 * Reveal and hide take effect at once (an organizer who hides the private board again must not
 * have it served for the seconds of the stale window):
 * - a phase change made in this process (lib/phases/phase-change-epoch.ts) makes the next call
 *   wait for a new snapshot, never answer from the old one, even within maxAgeMs;
 * - a snapshot holding private scores is never served stale: past maxAgeMs the call waits for
 *   the fingerprint check, so another web process's hide reaches visitors within maxAgeMs.
 *
 * One cache per phase (`phaseId`; none: the current phase), each checked and reloaded on its
 * own; the version covers every phase, so a change anywhere reloads what is asked next.
 *
 * Each snapshot carries a memo for what is derived from it (sorted rows, JSON, CSV), dropped
 * with it. Several web processes each keep their own cache; they all converge within maxAgeMs.
 */
export interface SnapshotCacheOptions {
  /** Default 1000 ms. 0: check the fingerprint on every call (tests). */
  maxAgeMs?: number;
  /** Default 4000 ms. 0: never serve a stale snapshot. */
  staleMs?: number;
}

export interface CachedSnapshot {
  snapshot: LeaderboardSnapshot;
  /** Computes `make()` once per key for this snapshot. */
  memo<T>(key: string, make: () => T): T;
}

/** Reload a snapshot this old even when the fingerprint is unchanged (the rank-change window slides). */
const MAX_SNAPSHOT_AGE_MS = 5 * 60_000;

interface CacheState {
  version?: string;
  /** phaseChangeEpoch() when `current` was loaded or confirmed. */
  epoch?: number;
  /** Increases with each refresh started; only the latest one started may replace `current`. */
  started: number;
  /** performance.now() when `current` was loaded. */
  loadedAt: number;
  current?: CachedSnapshot;
  /** performance.now() when `current` was last confirmed against the database. */
  confirmedAt: number;
  refreshing?: Promise<CachedSnapshot>;
  /** The epoch the running refresh started under. */
  refreshingEpoch?: number;
}

/** Phases kept at most per client (a query names any id; unknown ones are refused and dropped). */
const MAX_PHASE_CACHES = 32;

// Keyed by client: tests and tools use several databases in one process. Kept on globalThis
// because Next.js bundles each route separately, so the page and the API would otherwise each
// hold (and refresh) their own copy of this module's state.
declare global {
  var __tinyPortraitsLeaderboardCaches: WeakMap<Db, Map<string, CacheState>> | undefined;
}
const caches = (globalThis.__tinyPortraitsLeaderboardCaches ??= new WeakMap<Db, Map<string, CacheState>>());

export async function getLeaderboardSnapshot(
  options: { db: Db; now?: Date; /** The phase's board; absent: the current phase. */ phaseId?: string } & SnapshotCacheOptions,
): Promise<CachedSnapshot> {
  const { db } = options;
  const maxAgeMs = options.maxAgeMs ?? 1000;
  const staleMs = options.staleMs ?? 4000;
  const key = options.phaseId ?? "";
  let byPhase = caches.get(db);
  if (!byPhase) caches.set(db, (byPhase = new Map()));
  let state = byPhase.get(key);
  if (!state) {
    // Unknown phase ids in queries must not grow the map without bound: past the cap, start over (the current phase's included).
    if (byPhase.size >= MAX_PHASE_CACHES) byPhase.clear();
    state = { confirmedAt: -Infinity, loadedAt: -Infinity, started: 0 };
    byPhase.set(key, state);
  }
  const epoch = phaseChangeEpoch();
  const phaseChanged = state.epoch !== epoch;
  const age = performance.now() - state.confirmedAt;
  if (state.current && !phaseChanged && age < maxAgeMs) return state.current;
  let refreshing = state.refreshing;
  // A refresh that started before the latest phase change may bring the old reveal state: start another.
  if (!refreshing || state.refreshingEpoch !== epoch) {
    const cache = state;
    const mine = (refreshing = refresh(db, cache, options.now, options.phaseId, epoch).finally(() => {
      if (cache.refreshing === mine) cache.refreshing = undefined;
    }));
    state.refreshing = mine;
    state.refreshingEpoch = epoch;
    // A background refresh may have no caller left to await it (stale-while-revalidate): its
    // failure must not become an unhandled rejection. Callers that await it still get the error,
    // and the next request simply tries again.
    refreshing.catch(() => {
      // An unknown phase leaves nothing to keep.
      if (!cache.current && byPhase.get(key) === cache) byPhase.delete(key);
    });
  }
  const holdsPrivate = state.current?.snapshot.phaseState.privateRevealed === true;
  if (state.current && !phaseChanged && !holdsPrivate && age < maxAgeMs + staleMs) return state.current;
  return refreshing;
}

async function refresh(
  db: Db,
  state: CacheState,
  now: Date | undefined,
  phaseId: string | undefined,
  epoch: number,
): Promise<CachedSnapshot> {
  const checkedAt = performance.now();
  const seq = ++state.started;
  // Read before the snapshot: a change landing in between makes the next check reload again,
  // which costs a reload but never hides the change.
  const version = await readLeaderboardVersion({ db, now: now ?? new Date() });
  if (state.current && version === state.version && state.epoch === epoch && checkedAt - state.loadedAt < MAX_SNAPSHOT_AGE_MS) {
    if (seq === state.started) state.confirmedAt = checkedAt;
    return state.current;
  }
  const snapshot = await loadLeaderboardSnapshot({ db, now, phaseId });
  const memos = new Map<string, unknown>();
  const current: CachedSnapshot = {
    snapshot,
    memo<T>(key: string, make: () => T): T {
      if (memos.has(key)) return memos.get(key) as T;
      const value = make();
      // Bounded anyway (keys are board x sort x direction x format, about 200).
      if (memos.size >= 512) memos.clear();
      memos.set(key, value);
      return value;
    },
  };
  // A refresh started later (after a phase change) has the newer view: never overwrite it.
  if (seq !== state.started) return state.current ?? current;
  state.version = version;
  state.epoch = epoch;
  state.current = current;
  state.confirmedAt = checkedAt;
  state.loadedAt = checkedAt;
  return current;
}
