import type { Db } from "../db/client";
import { loadLeaderboardSnapshot, type LeaderboardSnapshot } from "./load-leaderboard-snapshot";
import { readLeaderboardVersion } from "./read-leaderboard-version";

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
  /** performance.now() when `current` was loaded. */
  loadedAt: number;
  current?: CachedSnapshot;
  /** performance.now() when `current` was last confirmed against the database. */
  confirmedAt: number;
  refreshing?: Promise<CachedSnapshot>;
}

// Keyed by client: tests and tools use several databases in one process. Kept on globalThis
// because Next.js bundles each route separately, so the page and the API would otherwise each
// hold (and refresh) their own copy of this module's state.
declare global {
  var __tinyPortraitsLeaderboardCaches: WeakMap<Db, CacheState> | undefined;
}
const caches = (globalThis.__tinyPortraitsLeaderboardCaches ??= new WeakMap<Db, CacheState>());

export async function getLeaderboardSnapshot(options: { db: Db; now?: Date } & SnapshotCacheOptions): Promise<CachedSnapshot> {
  const { db } = options;
  const maxAgeMs = options.maxAgeMs ?? 1000;
  const staleMs = options.staleMs ?? 4000;
  let state = caches.get(db);
  if (!state) {
    state = { confirmedAt: -Infinity, loadedAt: -Infinity };
    caches.set(db, state);
  }
  const age = performance.now() - state.confirmedAt;
  if (state.current && age < maxAgeMs) return state.current;
  let refreshing = state.refreshing;
  if (!refreshing) {
    const cache = state;
    refreshing = state.refreshing = refresh(db, cache, options.now).finally(() => {
      cache.refreshing = undefined;
    });
    // A background refresh may have no caller left to await it (stale-while-revalidate): its
    // failure must not become an unhandled rejection. Callers that await it still get the error,
    // and the next request simply tries again.
    refreshing.catch(() => {});
  }
  if (state.current && age < maxAgeMs + staleMs) return state.current;
  return refreshing;
}

async function refresh(db: Db, state: CacheState, now?: Date): Promise<CachedSnapshot> {
  const checkedAt = performance.now();
  // Read before the snapshot: a change landing in between makes the next check reload again,
  // which costs a reload but never hides the change.
  const version = await readLeaderboardVersion({ db, now: now ?? new Date() });
  if (state.current && version === state.version && checkedAt - state.loadedAt < MAX_SNAPSHOT_AGE_MS) {
    state.confirmedAt = checkedAt;
    return state.current;
  }
  const snapshot = await loadLeaderboardSnapshot({ db, now });
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
  state.version = version;
  state.current = current;
  state.confirmedAt = checkedAt;
  state.loadedAt = checkedAt;
  return current;
}
