import type { Db, Phase } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { env } from "../env";
import { generationTrack } from "../tracks/generation-track";

export const DEFAULT_PHASE_ID = "default-phase";
export const DEFAULT_PHASE_NAME = "Development phase";
export const DEFAULT_GENERATION_PHASE_ID = "default-generation-phase";
export const DEFAULT_GENERATION_PHASE_NAME = "Generation development phase";
export const DEFAULT_PHASE_DAYS = 90;
export const DEFAULT_MAX_FINAL = 2;
/**
 * SiteSetting key recording that the default generation phase was created once (or that the
 * instance already had a generation phase of its own): an organizer who deletes it does not
 * see it come back at the next restart.
 */
export const DEFAULT_GENERATION_PHASE_SETTING = "default-generation-phase-created";

export interface EnsureDefaultPhaseResult {
  /** True when at least one phase was created. */
  created: boolean;
  /** The attributes phase created now (a fresh instance), or null. */
  phase: Phase | null;
  /** The generation phase created now (a fresh instance, or one that never had one), or null. */
  generationPhase: Phase | null;
}

/**
 * Gives every track a phase to submit to:
 *
 * - On a fresh instance (no phase at all), creates "Development phase" (attributes) and
 *   "Generation development phase" (generation), both from now (the first start of the
 *   instance) for 90 days, the daily limit of DAILY_SUBMISSION_LIMIT and 2 final submissions.
 * - On an instance that has phases but has never had a generation phase (one that predates the
 *   generation track), creates the generation one once.
 *
 * Either way a SiteSetting records that the generation phase was handled, so an organizer who
 * deletes it (or edits it) keeps their change across restarts; an instance whose organizer made
 * a generation phase of their own is only marked. The attributes phase keeps its old rule: none
 * is created as soon as any phase exists.
 *
 * Rows get fixed ids: two nodes starting at once on one PostgreSQL database both see no phase,
 * and the second insert fails on the primary key instead of adding a second phase.
 */
export async function ensureDefaultPhase(options: { db: Db; now?: Date; dailyLimit?: number }): Promise<EnsureDefaultPhaseResult> {
  const { db } = options;
  // Whole seconds: phase times are shown and typed to the second (format-phase-time.ts), so a
  // hidden fraction would make the next phase, typed to start at this one's end, overlap it.
  const startsAt = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const endsAt = new Date(startsAt.getTime() + DEFAULT_PHASE_DAYS * 24 * 60 * 60 * 1000);
  const common = {
    startsAt,
    endsAt,
    dailyLimit: options.dailyLimit ?? env().DAILY_SUBMISSION_LIMIT,
    maxFinal: DEFAULT_MAX_FINAL,
    privateRevealed: false,
  };

  let phase: Phase | null = null;
  if ((await db.phase.count()) === 0) {
    phase = await createIgnoringRace(() =>
      db.phase.create({ data: { ...common, id: DEFAULT_PHASE_ID, name: DEFAULT_PHASE_NAME, track: "attributes" } }),
    );
  }

  let generationPhase: Phase | null = null;
  const marker = await db.siteSetting.findUnique({ where: { key: DEFAULT_GENERATION_PHASE_SETTING } });
  if (!marker) {
    const existing = await db.phase.findFirst({ where: { track: generationTrack.id }, select: { id: true } });
    if (!existing) {
      generationPhase = await createIgnoringRace(() =>
        db.phase.create({
          data: {
            ...common,
            id: DEFAULT_GENERATION_PHASE_ID,
            name: DEFAULT_GENERATION_PHASE_NAME,
            track: generationTrack.id,
            acceptedKinds: generationTrack.defaultKinds.join(","),
          },
        }),
      );
    }
    await createIgnoringRace(() =>
      db.siteSetting.create({
        data: {
          key: DEFAULT_GENERATION_PHASE_SETTING,
          value: { createdPhaseId: generationPhase?.id ?? null, existingPhaseId: existing?.id ?? null, at: startsAt.toISOString() },
        },
      }),
    );
  }
  return { created: phase !== null || generationPhase !== null, phase, generationPhase };
}

async function createIgnoringRace<T>(create: () => Promise<T>): Promise<T | null> {
  try {
    return await create();
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}
