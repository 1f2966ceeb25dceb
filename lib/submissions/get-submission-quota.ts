import type { Db, DbTransaction } from "../db/client";
import { env } from "../env";

/**
 * A participant's daily submission quota.
 *
 * The window is the UTC calendar day (resets at 00:00 UTC), as on Kaggle: everyone shares one
 * reset time that the page can state plainly, and it matches Phase.dailyLimit ("per UTC day").
 * A rolling 24 h window would let the reset time drift with each participant's habits.
 *
 * What counts: submissions created today with countsAgainstQuota = true, whatever their status
 * (queued and running ones too, or a burst could overshoot the limit). Uploads refused at
 * validation never become submissions, so they cost nothing; submissions that failed through
 * our fault are set to countsAgainstQuota = false by the scorer, so they are refunded.
 *
 * The limit: the dailyLimit of the phase running now, else DAILY_SUBMISSION_LIMIT. Organizers
 * (baselines, tests of the platform) have no limit.
 */
export interface SubmissionQuota {
  /** null: no limit (organizers). */
  limit: number | null;
  used: number;
  /** null when there is no limit. */
  remaining: number | null;
  /** Start of the next UTC day, when `used` goes back to zero. */
  resetsAt: Date;
}

export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function getSubmissionQuota(options: {
  db: Db | DbTransaction;
  userId: string;
  /** Pass it when already loaded, to save a query. */
  role?: string;
  now?: Date;
}): Promise<SubmissionQuota> {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const dayStart = utcDayStart(now);
  const resetsAt = new Date(dayStart.getTime() + 24 * 60 * 60 * 1000);
  const role = options.role ?? (await db.user.findUnique({ where: { id: userId }, select: { role: true } }))?.role;
  const used = await countQuotaSubmissions({ db, userId, since: dayStart });
  if (role === "organizer") return { limit: null, used, remaining: null, resetsAt };
  const phase = await db.phase.findFirst({
    where: { startsAt: { lte: now }, endsAt: { gt: now } },
    orderBy: { startsAt: "desc" },
    select: { dailyLimit: true },
  });
  const limit = phase?.dailyLimit ?? env().DAILY_SUBMISSION_LIMIT;
  return { limit, used, remaining: Math.max(0, limit - used), resetsAt };
}

export function countQuotaSubmissions(options: { db: Db | DbTransaction; userId: string; since: Date }): Promise<number> {
  return options.db.submission.count({
    where: { userId: options.userId, countsAgainstQuota: true, createdAt: { gte: options.since } },
  });
}
