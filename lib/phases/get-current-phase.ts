import type { Db, DbTransaction, Phase } from "../db/client";
import { DEFAULT_TRACK } from "./phase-input";
import { phaseStatusAt } from "./phase-status";

/**
 * The phase the challenge is in: the one running now (the latest-starting one if organizers
 * made them overlap); else the next one to start (between phases, participants want to know
 * what comes); else the one that ended last (after the challenge). null when there is no phase.
 */
export function pickCurrentPhase<P extends Pick<Phase, "startsAt" | "endsAt">>(options: { phases: readonly P[]; now: Date }): P | null {
  const { now } = options;
  const byStart = [...options.phases].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const running = byStart.filter((phase) => phaseStatusAt({ phase, now }) === "running").at(-1);
  if (running) return running;
  const upcoming = byStart.find((phase) => phaseStatusAt({ phase, now }) === "upcoming");
  if (upcoming) return upcoming;
  const ended = [...options.phases].sort((a, b) => a.endsAt.getTime() - b.endsAt.getTime()).at(-1);
  return ended ?? null;
}

/**
 * The current phase (see pickCurrentPhase) of the main (attributes) track read from the database,
 * or of any track when that one has none; null without phases. Other tracks' phases run beside
 * the main one (a fresh instance opens one per track at the same instant) and must not take its place.
 */
export async function getCurrentPhase(options: { db: Db | DbTransaction; now?: Date }): Promise<Phase | null> {
  // Phases are a handful of rows: read them all and decide in one place (pickCurrentPhase).
  const phases = await options.db.phase.findMany({ orderBy: { startsAt: "asc" } });
  const now = options.now ?? new Date();
  return pickCurrentPhase({ phases: phases.filter((p) => p.track === DEFAULT_TRACK), now }) ?? pickCurrentPhase({ phases, now });
}
