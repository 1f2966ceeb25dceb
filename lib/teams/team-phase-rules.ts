import type { DbTransaction, Db, Phase, Prisma } from "../db/client";
import { formatUtc } from "../phases/format-phase-time";
import { getCurrentPhase } from "../phases/get-current-phase";
import { phaseStatusAt } from "../phases/phase-status";

/** Phase.teamSizeCap's schema default, used while no phase exists yet. */
export const DEFAULT_TEAM_SIZE_CAP = 5;

const DAY_MS = 24 * 60 * 60 * 1000;

export type TeamPhase = Pick<Phase, "id" | "name" | "startsAt" | "endsAt" | "dailyLimit" | "maxFinal" | "teamSizeCap" | "mergeDeadline">;

/** What the current phase (lib/phases/get-current-phase.ts) says about teams at `now`. */
export interface TeamPhaseRules {
  /** null: no phase exists yet (teams may form, with the default cap and no deadline). */
  phase: TeamPhase | null;
  sizeCap: number;
  /** Phase.mergeDeadline, or the phase's end when it has none; null without a phase. */
  deadline: Date | null;
  /** Whether teams may still be formed, joined or merged. */
  open: boolean;
  /**
   * Kaggle's merge rule: a merged team may have made at most dailyLimit x days elapsed
   * submissions in the phase. Days elapsed counts the day in progress (a merge 1 h after the
   * start allows dailyLimit), 0 before the start; null without a phase (nothing to count).
   */
  mergeAllowance: { dailyLimit: number; days: number; max: number } | null;
}

export async function getTeamPhaseRules(options: { db: Db | DbTransaction; now: Date }): Promise<TeamPhaseRules> {
  const { now } = options;
  const phase = await getCurrentPhase({ db: options.db, now });
  if (!phase) return { phase: null, sizeCap: DEFAULT_TEAM_SIZE_CAP, deadline: null, open: true, mergeAllowance: null };
  const deadline = phase.mergeDeadline ?? phase.endsAt;
  const days =
    phaseStatusAt({ phase, now }) === "upcoming"
      ? 0
      : Math.ceil((Math.min(now.getTime(), phase.endsAt.getTime()) - phase.startsAt.getTime()) / DAY_MS) || 1;
  return {
    phase,
    sizeCap: phase.teamSizeCap,
    deadline,
    open: now.getTime() < deadline.getTime() && phaseStatusAt({ phase, now }) !== "ended",
    mergeAllowance: { dailyLimit: phase.dailyLimit, days, max: phase.dailyLimit * days },
  };
}

/** Why teams are closed, for error messages. */
export function teamsClosedMessage(rules: TeamPhaseRules): string {
  const when = rules.deadline ? ` on ${formatUtc(rules.deadline)}` : "";
  return `Teams can no longer be formed, joined or merged in ${rules.phase ? `the phase "${rules.phase.name}"` : "this phase"}: the team deadline passed${when}.`;
}

/**
 * The submissions that belong to a phase: tagged with it at upload, or (rows from before
 * phases were stored per submission) made during it. Baselines never belong to a team.
 */
export function phaseSubmissionsWhere(phase: TeamPhase): Prisma.SubmissionWhereInput {
  return {
    baselineId: null,
    OR: [{ phaseId: phase.id }, { phaseId: null, createdAt: { gte: phase.startsAt, lt: phase.endsAt } }],
  };
}
