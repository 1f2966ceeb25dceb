import { z } from "zod";
import type { Db, Phase } from "../db/client";
import { isNotFound } from "../db/errors";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { ScoreVisibility } from "../db/enums";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";

/**
 * ISO 8601 with a time zone from JSON (the browser converts its local time, so nobody's dates
 * shift by the server's zone), or a Date from code. Not z.coerce.date: it turns null into 1970.
 */
const DATE_MESSAGE = "must be a date and time with a zone, such as 2026-12-31T23:59:00Z";
const dateField = z.union([z.date(), z.iso.datetime({ offset: true }).transform((s) => new Date(s))], { error: DATE_MESSAGE });

/**
 * What an organizer may change on a phase. Every field is optional (a partial update); the
 * merged result is checked as a whole, so moving only the end date before the start is refused
 * too. Shared with the organizer dashboard's phase editor.
 */
export const UpdatePhaseInput = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(80, "must be at most 80 characters").optional(),
    startsAt: dateField.optional(),
    endsAt: dateField.optional(),
    // 0 is allowed on purpose: it closes submissions without ending the phase.
    dailyLimit: z.number().int("must be a whole number").min(0, "must be 0 or more").max(1000, "must be at most 1000").optional(),
    // At least 1: a phase where nobody may select a final submission has no private leaderboard.
    maxFinal: z.number().int("must be a whole number").min(1, "must be at least 1").max(10, "must be at most 10").optional(),
    privateRevealed: z.boolean().optional(),
    // How participants see public scores until the reveal (lib/phases/score-policy.ts).
    scoreVisibility: ScoreVisibility.optional(),
    // Finer than 0.00001 says nothing more on a few thousand images; above 0.1 the board is useless.
    ladderStep: z.number("must be a number").min(0.00001, "must be at least 0.00001").max(0.1, "must be at most 0.1").optional(),
  })
  .strict();
export type UpdatePhaseInput = z.input<typeof UpdatePhaseInput>;

/** Organizer: changes a phase's dates, limits, score visibility (rounded or the Ladder, and its step) or reveal state. */
export async function updatePhase(options: { db: Db; phaseId: string; input: unknown; actor?: AuditActor }): Promise<Phase> {
  const { db, phaseId } = options;
  const existing = await db.phase.findUnique({ where: { id: phaseId } });
  if (!existing) throw notFound(phaseId);

  const parsed = UpdatePhaseInput.safeParse(options.input);
  const details = parsed.success ? [] : zodDetails(parsed.error);
  // The date order is checked even when other fields are wrong, so the form shows every problem at once.
  const raw = typeof options.input === "object" && options.input !== null ? (options.input as Record<string, unknown>) : {};
  const dateOf = (value: unknown, current: Date) => (value === undefined ? current : (dateField.safeParse(value).data ?? null));
  const startsAt = dateOf(raw.startsAt, existing.startsAt);
  const endsAt = dateOf(raw.endsAt, existing.endsAt);
  if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) details.push({ field: "endsAt", message: "must be after the start" });
  if (!parsed.success || details.length > 0) {
    throw new AppError("validation", { user: "Some phase settings are not valid.", details });
  }
  try {
    // With an actor, the audit record (what changed, before and after) commits with the edit.
    return await db.$transaction(async (tx) => {
      const updated = await tx.phase.update({ where: { id: phaseId }, data: parsed.data });
      if (options.actor) {
        const changed = (Object.keys(parsed.data) as (keyof typeof parsed.data & keyof Phase)[]).filter(
          (k) =>
            String(existing[k] instanceof Date ? (existing[k] as Date).toISOString() : existing[k]) !==
            String(updated[k] instanceof Date ? (updated[k] as Date).toISOString() : updated[k]),
        );
        const reveal = changed.includes("privateRevealed") ? (updated.privateRevealed ? "phase.reveal" : "phase.hide") : "phase.update";
        await recordAuditEvent({
          db: tx,
          actor: options.actor,
          action: reveal,
          targetType: "phase",
          targetId: phaseId,
          details: {
            before: Object.fromEntries(changed.map((k) => [k, existing[k]])),
            after: Object.fromEntries(changed.map((k) => [k, updated[k]])),
          },
        });
      }
      return updated;
    });
  } catch (error) {
    // Deleted between the read and the write.
    if (isNotFound(error)) throw notFound(phaseId);
    throw error;
  }
}

function notFound(phaseId: string): AppError {
  return new AppError("not-found", { user: "This phase does not exist.", internal: `phase ${phaseId}` });
}
