import type { Db, Phase } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { env } from "../env";

export const DEFAULT_PHASE_ID = "default-phase";
export const DEFAULT_PHASE_NAME = "Development phase";
export const DEFAULT_PHASE_DAYS = 90;
export const DEFAULT_MAX_FINAL = 2;

/**
 * On a fresh instance, creates the one phase the challenge needs to have a timeline: "Development
 * phase", from now (the first start of the instance) for 90 days, the daily limit of
 * DAILY_SUBMISSION_LIMIT and 2 final submissions. A no-op as soon as any phase exists, so an
 * organizer's edits (or deleting it for phases of their own) survive every restart.
 *
 * The row gets a fixed id: two nodes starting at once on one PostgreSQL database both see no
 * phase, and the second insert fails on the primary key instead of adding a second phase.
 */
export async function ensureDefaultPhase(options: {
  db: Db;
  now?: Date;
  dailyLimit?: number;
}): Promise<{ created: boolean; phase: Phase | null }> {
  const { db } = options;
  if ((await db.phase.count()) > 0) return { created: false, phase: null };
  // Whole seconds: phase times are shown and typed to the second (format-phase-time.ts), so a
  // hidden fraction would make the next phase, typed to start at this one's end, overlap it.
  const startsAt = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const endsAt = new Date(startsAt.getTime() + DEFAULT_PHASE_DAYS * 24 * 60 * 60 * 1000);
  try {
    const phase = await db.phase.create({
      data: {
        id: DEFAULT_PHASE_ID,
        name: DEFAULT_PHASE_NAME,
        startsAt,
        endsAt,
        dailyLimit: options.dailyLimit ?? env().DAILY_SUBMISSION_LIMIT,
        maxFinal: DEFAULT_MAX_FINAL,
        privateRevealed: false,
      },
    });
    return { created: true, phase };
  } catch (error) {
    if (isUniqueViolation(error)) return { created: false, phase: null };
    throw error;
  }
}
