import type { Db, DbTransaction } from "../db/client";
import type { Phase } from "../db/client";
import { findRunningPhase } from "../phases/find-running-phase";
import { getUserTeam } from "../teams/get-user-team";

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
 * Per phase: only submissions of the phase running now (Submission.phaseId) count, against that
 * phase's dailyLimit, so a new phase starting at noon opens with its own full quota. With no
 * phase running nobody may submit (createSubmission says so): the limit is then 0. Organizers
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
  /** The phase whose submissions are counted (the one running now); null: none runs. */
  phase: { id: string; name: string } | null;
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
  /** The phase running now, when already loaded (undefined: looked up; null: none runs). */
  phase?: Pick<Phase, "id" | "name" | "dailyLimit"> | null;
}): Promise<SubmissionQuota> {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const dayStart = utcDayStart(now);
  const resetsAt = new Date(dayStart.getTime() + 24 * 60 * 60 * 1000);
  const role = options.role ?? (await db.user.findUnique({ where: { id: userId }, select: { role: true } }))?.role;
  const phase = options.phase !== undefined ? options.phase : await findRunningPhase({ db, now });
  const shown = phase ? { id: phase.id, name: phase.name } : null;
  // A team's members share one quota (lib/teams): their submissions carry the team's id.
  const team = await getUserTeam({ db, userId });
  const used = await countQuotaSubmissions({ db, userId, teamId: team?.id, since: dayStart, phaseId: phase?.id ?? null });
  if (role === "organizer") return { limit: null, used, remaining: null, resetsAt, phase: shown };
  const limit = phase?.dailyLimit ?? 0;
  return { limit, used, remaining: Math.max(0, limit - used), resetsAt, phase: shown };
}

/** Today's submissions of one phase that count (phaseId null: those made outside any phase, by organizers). */
export function countQuotaSubmissions(options: {
  db: Db | DbTransaction;
  userId: string;
  /** The user's team: then the team's submissions count (every member's), else the user's own. */
  teamId?: string | null;
  since: Date;
  phaseId: string | null;
}): Promise<number> {
  const owner = options.teamId ? { teamId: options.teamId } : { userId: options.userId };
  return options.db.submission.count({
    where: { ...owner, phaseId: options.phaseId, countsAgainstQuota: true, createdAt: { gte: options.since } },
  });
}
