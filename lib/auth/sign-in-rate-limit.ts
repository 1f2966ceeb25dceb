import { RateLimiterPrisma, type RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "../db/client";
import { env } from "../env";

/**
 * Brute-force protection for sign-in by growing delays, never a lock anybody can trigger.
 * Failures are counted (for a day, in the database, shared by every web node) in three scopes:
 *
 * - the account from one client address: after SIGNIN_MAX_FAILURES free failures each further
 *   one doubles the wait, 1 s, 2 s, 4 s ... up to 15 minutes. This is what slows a guesser down;
 * - the client address across accounts (four times as many free failures, same growth): one
 *   address spraying many accounts;
 * - the account from everywhere (twice as many free failures, waits capped at one minute):
 *   guessing from many addresses gets at most about one try a minute, while the owner, from their
 *   own address, is only ever held up by that one minute, however hard someone else hammers.
 *
 * A wait is checked before the password, so a waiting guesser learns nothing even with the right
 * one. A success clears the account's counts (the address's stay).
 */
const COUNT_WINDOW_SECONDS = 24 * 60 * 60;
const LONG_WAIT_SECONDS = 15 * 60;
const ACCOUNT_WAIT_SECONDS = 60;

type ScopeName = "pair" | "client" | "account";
interface Scope {
  free: number;
  maxWaitSeconds: number;
}

function scopes(maxFailures: number): Record<ScopeName, Scope> {
  return {
    pair: { free: maxFailures, maxWaitSeconds: LONG_WAIT_SECONDS },
    client: { free: maxFailures * 4, maxWaitSeconds: LONG_WAIT_SECONDS },
    account: { free: maxFailures * 2, maxWaitSeconds: ACCOUNT_WAIT_SECONDS },
  };
}

/** The wait after the n-th counted failure of a scope. */
export function waitAfterFailure(failures: number, scope: Scope): number {
  if (failures <= scope.free) return 0;
  return Math.min(scope.maxWaitSeconds, 2 ** Math.min(failures - scope.free - 1, 30));
}

interface Limiters {
  counts: RateLimiterPrisma;
  waits: RateLimiterPrisma;
}
const byDb = new WeakMap<object, Limiters>();

function limitersFor(db: Db): Limiters {
  let limiters = byDb.get(db);
  if (!limiters) {
    const common = { storeClient: db, clearExpiredByTimeout: false };
    limiters = {
      counts: new RateLimiterPrisma({ ...common, points: 1_000_000_000, duration: COUNT_WINDOW_SECONDS, keyPrefix: "signin-count" }),
      // Only block() writes here: a blocked key holds points + 1 until its wait is over.
      waits: new RateLimiterPrisma({ ...common, points: 1, duration: 1, keyPrefix: "signin-wait" }),
    };
    byDb.set(db, limiters);
  }
  return limiters;
}

function keysOf(options: { email: string; client: string }): Record<ScopeName, string> {
  const email = options.email.trim().toLowerCase();
  return { pair: `${email}|${options.client}`, client: options.client, account: email };
}

export interface SignInThrottle {
  /** null when an attempt is allowed now; otherwise seconds until it is. */
  retryAfterSeconds: number | null;
}

/** Whether this account may be tried from this client now (does not count an attempt). */
export async function checkSignInThrottle(options: { db: Db; email: string; client: string }): Promise<SignInThrottle> {
  const { waits } = limitersFor(options.db);
  const keys = keysOf(options);
  const results = await Promise.all(Object.values(keys).map((key) => waits.get(key)));
  const ms = Math.max(0, ...results.map((r) => (r && r.consumedPoints > 1 ? r.msBeforeNext : 0)));
  return { retryAfterSeconds: ms > 0 ? Math.ceil(ms / 1000) : null };
}

/** Counts one failed attempt in every scope and sets the waits it earns. */
export async function recordSignInFailure(options: { db: Db; email: string; client: string; maxFailures?: number }): Promise<void> {
  const { counts, waits } = limitersFor(options.db);
  const keys = keysOf(options);
  const all = scopes(options.maxFailures ?? env().SIGNIN_MAX_FAILURES);
  await Promise.all(
    (Object.keys(keys) as ScopeName[]).map(async (scope) => {
      const counted: RateLimiterRes = await counts.consume(keys[scope]);
      const wait = waitAfterFailure(counted.consumedPoints, all[scope]);
      if (wait > 0) await waits.block(keys[scope], wait);
    }),
  );
}

/** A successful sign-in forgets the account's failures, from this client and overall. */
export async function clearSignInFailures(options: { db: Db; email: string; client: string }): Promise<void> {
  const { counts, waits } = limitersFor(options.db);
  const keys = keysOf(options);
  await Promise.all([keys.pair, keys.account].flatMap((key) => [counts.delete(key), waits.delete(key)]));
}
