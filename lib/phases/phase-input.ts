import { z } from "zod";
import { ScoreVisibility, SubmissionKind } from "../db/enums";
import { parseUtcInput } from "./format-phase-time";
import { findTrack } from "../tracks/list-tracks";

/**
 * The fields of a phase as organizers send them (the console's form, the JSON API), shared by
 * createPhase and updatePhase. Pure zod: the phase form in the browser imports the limits too.
 */

/** The tracks a phase can belong to (Phase.track). */
export const PhaseTrack = z.enum(["attributes", "generation"], { error: 'must be "attributes" or "generation"' });
export type PhaseTrack = z.infer<typeof PhaseTrack>;
export const DEFAULT_TRACK: PhaseTrack = "attributes";

/** The submission kinds, in the order the site lists them. */
export const PHASE_KINDS = SubmissionKind.options;

/**
 * A date: ISO 8601 with a zone ("2026-12-31T23:59:59Z", what scripts send), the site's own UTC
 * format ("2026-12-31 23:59:59", what the console's form sends: lib/phases/format-phase-time.ts),
 * or a Date from code. Not z.coerce.date: it turns null into 1970 and reads a zone-less string
 * in the server's zone.
 */
export const DATE_MESSAGE = "must be a UTC date and time such as 2026-12-31 23:59:59 (or ISO 8601 with a zone)";
export const phaseDateField = z.union(
  [
    z.date(),
    z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
    z.string().transform((s, ctx) => {
      const date = parseUtcInput(s);
      if (!date) {
        ctx.addIssue({ code: "custom", message: DATE_MESSAGE });
        return z.NEVER;
      }
      return date;
    }),
  ],
  { error: DATE_MESSAGE },
);

/** "csv,model" as stored <-> ["csv", "model"]; unknown stored values are dropped. */
export function parseAcceptedKinds(stored: string): SubmissionKind[] {
  const listed = new Set(stored.split(",").map((k) => k.trim()));
  return PHASE_KINDS.filter((k) => listed.has(k));
}

const acceptedKindsField = z
  .array(SubmissionKind, { error: 'must be a list of kinds: "csv", "model" (attributes), "generator", "images" (generation)' })
  .min(1, "choose at least one kind of submission")
  // Stored in one canonical order, so "model,csv" and "csv,model" are the same setting.
  .transform((kinds) => PHASE_KINDS.filter((k) => kinds.includes(k)).join(","));

/** Every field an organizer may set. createPhase requires the first four; updatePhase takes any subset. */
const fields = {
  name: z.string("must be text").trim().min(1, "must not be empty").max(80, "must be at most 80 characters"),
  startsAt: phaseDateField,
  endsAt: phaseDateField,
  // 0 is allowed on purpose (it closes submissions without ending the phase) but must be confirmed: confirmClosed.
  dailyLimit: z.number("must be a number").int("must be a whole number").min(0, "must be 0 or more").max(1000, "must be at most 1000"),
  // At least 1: a phase where nobody may select a final submission has no private leaderboard.
  maxFinal: z.number("must be a number").int("must be a whole number").min(1, "must be at least 1").max(10, "must be at most 10"),
  privateRevealed: z.boolean("must be true or false"),
  // How participants see public scores until the reveal (lib/phases/score-policy.ts).
  scoreVisibility: ScoreVisibility,
  // Finer than 0.00001 says nothing more on a few thousand images; above 0.1 the board is useless.
  ladderStep: z.number("must be a number").min(0.00001, "must be at least 0.00001").max(0.1, "must be at most 0.1"),
  track: PhaseTrack,
  acceptedKinds: acceptedKindsField,
  // 1 = solo only. 20 is far above any team a CPU-sized challenge needs; the TEAMS rules enforce it.
  teamSizeCap: z.number("must be a number").int("must be a whole number").min(1, "must be at least 1").max(20, "must be at most 20"),
  // null: teams may form until the phase ends.
  mergeDeadline: phaseDateField.nullable(),
  description: z.string("must be text").trim().max(2000, "must be at most 2,000 characters"),
} as const;

/** Sent with a daily limit of 0: the organizer confirmed that it closes submissions. Never stored. */
const confirmClosed = z.boolean("must be true or false").optional();

export const CreatePhaseInput = z
  .object({
    ...fields,
    privateRevealed: fields.privateRevealed.default(false),
    scoreVisibility: fields.scoreVisibility.default("rounded"),
    ladderStep: fields.ladderStep.default(0.0001),
    track: fields.track.default(DEFAULT_TRACK),
    // Left out: the track's own default kinds (below), so a generation phase does not open taking CSVs.
    acceptedKinds: fields.acceptedKinds.optional(),
    maxFinal: fields.maxFinal.default(2),
    teamSizeCap: fields.teamSizeCap.default(5),
    mergeDeadline: fields.mergeDeadline.default(null),
    description: fields.description.default(""),
    confirmClosed,
  })
  .strict()
  .transform((phase) => ({ ...phase, acceptedKinds: phase.acceptedKinds ?? findTrack(phase.track)!.defaultKinds.join(",") }))
  .superRefine((phase, ctx) => {
    const problem = kindsOutsideTrack(phase.track, phase.acceptedKinds);
    if (problem) ctx.addIssue({ code: "custom", path: ["acceptedKinds"], message: problem });
  });
export type CreatePhaseInput = z.input<typeof CreatePhaseInput>;

/**
 * The problem with accepting `kinds` ("csv,model" as stored) in a phase of `track`, or null: a
 * generation phase taking CSVs (or an attributes phase taking generators) could never score them.
 */
export function kindsOutsideTrack(track: string, kinds: string): string | null {
  const own = findTrack(track)?.kinds.map((k) => k.kind) ?? [];
  const foreign = kinds.split(",").filter((k) => k && !own.includes(k as never));
  return foreign.length === 0 ? null : `the ${track} track does not take ${foreign.join(", ")} (it takes ${own.join(", ")})`;
}

export const UpdatePhaseInput = z
  .object({
    name: fields.name.optional(),
    startsAt: fields.startsAt.optional(),
    endsAt: fields.endsAt.optional(),
    dailyLimit: fields.dailyLimit.optional(),
    maxFinal: fields.maxFinal.optional(),
    privateRevealed: fields.privateRevealed.optional(),
    scoreVisibility: fields.scoreVisibility.optional(),
    ladderStep: fields.ladderStep.optional(),
    track: fields.track.optional(),
    acceptedKinds: fields.acceptedKinds.optional(),
    teamSizeCap: fields.teamSizeCap.optional(),
    mergeDeadline: fields.mergeDeadline.optional(),
    description: fields.description.optional(),
    confirmClosed,
  })
  .strict();
export type UpdatePhaseInput = z.input<typeof UpdatePhaseInput>;
