import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "../db/client";
import { env } from "../env";

/**
 * Brute-force protection for sign-in: failed attempts are counted per e-mail address and per
 * client IP address in the database (RateLimiterFlexible table), so every web node shares the
 * counts and a restart does not reset them. A successful sign-in clears the address's count.
 *
 * The IP key is only used when a proxy tells us the client address (X-Forwarded-For/X-Real-IP):
 * behind no proxy every request would share one key and strangers could lock each other out.
 */
const WINDOW_SECONDS = 15 * 60;

interface Limiters {
  email: RateLimiterPrisma;
  ip: RateLimiterPrisma;
}
const byDb = new WeakMap<object, Limiters>();

function limitersFor(db: Db, maxFailures: number): Limiters {
  let limiters = byDb.get(db);
  if (!limiters) {
    const common = { storeClient: db, duration: WINDOW_SECONDS, clearExpiredByTimeout: false };
    limiters = {
      email: new RateLimiterPrisma({ ...common, points: maxFailures, keyPrefix: "signin-email" }),
      ip: new RateLimiterPrisma({ ...common, points: maxFailures * 4, keyPrefix: "signin-ip" }),
    };
    byDb.set(db, limiters);
  }
  return limiters;
}

export interface SignInThrottle {
  /** null when attempts are still allowed; otherwise seconds until the next one is. */
  retryAfterSeconds: number | null;
}

function keysOf(options: { email: string; ip?: string | null }) {
  return { email: options.email.trim().toLowerCase(), ip: options.ip?.trim() || null };
}

/** Whether this address / IP may try to sign in now (does not count an attempt). */
export async function checkSignInThrottle(options: { db: Db; email: string; ip?: string | null; maxFailures?: number }): Promise<SignInThrottle> {
  const maxFailures = options.maxFailures ?? env().SIGNIN_MAX_FAILURES;
  const limiters = limitersFor(options.db, maxFailures);
  const keys = keysOf(options);
  const checks: Promise<RateLimiterRes | null>[] = [limiters.email.get(keys.email)];
  if (keys.ip) checks.push(limiters.ip.get(keys.ip));
  const [byEmail, byIp] = await Promise.all(checks);
  const blocked = [
    byEmail && byEmail.consumedPoints >= maxFailures ? byEmail.msBeforeNext : 0,
    byIp && byIp.consumedPoints >= maxFailures * 4 ? byIp.msBeforeNext : 0,
  ];
  const ms = Math.max(...blocked);
  return { retryAfterSeconds: ms > 0 ? Math.ceil(ms / 1000) : null };
}

/** Counts one failed attempt against the address and IP. */
export async function recordSignInFailure(options: { db: Db; email: string; ip?: string | null; maxFailures?: number }): Promise<void> {
  const limiters = limitersFor(options.db, options.maxFailures ?? env().SIGNIN_MAX_FAILURES);
  const keys = keysOf(options);
  // consume() rejects with a RateLimiterRes once the points are used up: that is expected here.
  const swallowLimit = (error: unknown) => {
    if (!(error instanceof RateLimiterRes)) throw error;
  };
  await Promise.all([
    limiters.email.consume(keys.email).catch(swallowLimit),
    keys.ip ? limiters.ip.consume(keys.ip).catch(swallowLimit) : undefined,
  ]);
}

/** A successful sign-in forgets the address's failures (the IP's stay). */
export async function clearSignInFailures(options: { db: Db; email: string; maxFailures?: number }): Promise<void> {
  await limitersFor(options.db, options.maxFailures ?? env().SIGNIN_MAX_FAILURES).email.delete(keysOf(options).email);
}
