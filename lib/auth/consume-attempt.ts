import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

/**
 * Counts one attempt of something costly (a sign-up, a mail to an address) against a key in a
 * fixed window, in the same database table as the sign-in counters (RateLimiterFlexible), so
 * every web node shares the counts. Over the limit: AppError "quota-exceeded" with Retry-After.
 */
const limiters = new WeakMap<object, Map<string, RateLimiterPrisma>>();

function limiterFor(db: Db, prefix: string, points: number, durationSeconds: number): RateLimiterPrisma {
  let byDb = limiters.get(db);
  if (!byDb) limiters.set(db, (byDb = new Map()));
  const id = `${prefix}:${points}:${durationSeconds}`;
  let limiter = byDb.get(id);
  if (!limiter) {
    limiter = new RateLimiterPrisma({
      storeClient: db,
      keyPrefix: prefix,
      points,
      duration: durationSeconds,
      clearExpiredByTimeout: false,
    });
    byDb.set(id, limiter);
  }
  return limiter;
}

export async function consumeAttempt(options: {
  db: Db;
  prefix: string;
  key: string;
  points: number;
  durationSeconds: number;
  /** Shown to the user, with the wait appended. */
  message: string;
}): Promise<void> {
  try {
    await limiterFor(options.db, options.prefix, options.points, options.durationSeconds).consume(options.key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw new AppError("quota-exceeded", {
      user: `${options.message} Try again in ${formatWait(seconds)}.`,
      internal: `${options.prefix} limit for ${options.key}`,
      retryAfterSeconds: seconds,
    });
  }
}

/** "45 seconds", "3 minutes". */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
