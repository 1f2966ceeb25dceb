import type { Phase } from "../db/client";
import { ScoreVisibility } from "../db/enums";
import { pickCurrentPhase } from "./get-current-phase";
import { isPrivateRevealed } from "./is-private-revealed";

/** Four decimals: the default step of shown public scores. */
export const DEFAULT_SCORE_STEP = 0.0001;

/**
 * How public scores may be shown to participants right now.
 *
 * - `exact`: after the private reveal (lib/phases/is-private-revealed.ts), and always for organizers.
 * - `rounded`: each submission's own public numbers, rounded to `step`.
 * - `ladder`: Blum & Hardt 2015 ("The Ladder: A Reliable Leaderboard for Machine Learning
 *   Competitions"): a new public score is shown only when it beats the participant's best shown
 *   score by more than `step`, and then rounded to `step`; otherwise the best is repeated. A
 *   participant probing the hidden labels with small edits sees nothing move.
 *
 * Before the reveal, the per-class metrics and confusion matrices of the hidden split are never
 * shown in either mode: one crafted CSV would read single images' labels out of them.
 */
export type ScorePolicy = { kind: "exact" } | { kind: "rounded"; step: number } | { kind: "ladder"; step: number };

export const EXACT_SCORES: ScorePolicy = { kind: "exact" };

type PolicyPhase = Pick<Phase, "startsAt" | "endsAt" | "privateRevealed" | "scoreVisibility" | "ladderStep">;

/** The policy of the current phase (pickCurrentPhase, the phase the leaderboard shows). No phase: rounded to 4 decimals. */
export function scorePolicyAt(options: { phases: readonly PolicyPhase[]; now: Date }): ScorePolicy {
  const phase = pickCurrentPhase({ phases: options.phases, now: options.now });
  if (!phase) return { kind: "rounded", step: DEFAULT_SCORE_STEP };
  if (isPrivateRevealed(phase, options.now)) return EXACT_SCORES;
  const step = Number.isFinite(phase.ladderStep) && phase.ladderStep > 0 ? phase.ladderStep : DEFAULT_SCORE_STEP;
  const visibility = ScoreVisibility.safeParse(phase.scoreVisibility);
  return { kind: visibility.success ? visibility.data : "rounded", step };
}

/** The columns scorePolicyAt needs, for a Prisma select. */
export const SCORE_POLICY_SELECT = {
  startsAt: true,
  endsAt: true,
  privateRevealed: true,
  scoreVisibility: true,
  ladderStep: true,
} as const;

/**
 * `value` to the nearest multiple of `step`, without binary noise (0.1 + 0.2 style tails): the
 * rounded number is what is sent, so it must print as the step says.
 */
export function roundToStep(value: number, step: number): number {
  const decimals = Math.max(0, Math.min(12, Math.ceil(-Math.log10(step) - 1e-9) + 1));
  return Number((Math.round(value / step) * step).toFixed(decimals));
}
