import type { Db, DbTransaction, Phase } from "../db/client";
import { DEFAULT_TRACK } from "./phase-input";

/**
 * The phase of `track` running at `now` ([startsAt, endsAt)), the one a new submission belongs
 * to; null when none runs (between phases, before the first, after the last). Phases of one
 * track cannot overlap (check-phase-rules.ts); rows from before that rule may, and then the
 * latest-starting one wins, as on the timeline.
 */
export async function findRunningPhase(options: { db: Db | DbTransaction; track?: string; now: Date }): Promise<Phase | null> {
  return options.db.phase.findFirst({
    where: { track: options.track ?? DEFAULT_TRACK, startsAt: { lte: options.now }, endsAt: { gt: options.now } },
    orderBy: [{ startsAt: "desc" }, { id: "asc" }],
  });
}
