import type { Db, Phase } from "../db/client";
import { isNotFound } from "../db/errors";
import { AppError, type AppErrorDetail } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { checkPhaseRules, closedLimitDetail } from "./check-phase-rules";
import { bumpPhaseChangeEpoch } from "./phase-change-epoch";
import { auditValue, PHASE_AUDIT_FIELDS } from "./phase-audit-fields";
import { kindsOutsideTrack, UpdatePhaseInput } from "./phase-input";

// Re-exported: callers of the operation find its input schema beside it.
export { UpdatePhaseInput };

/**
 * Organizer: changes any of a phase's settings (a partial update). The merged result is checked
 * as a whole (checkPhaseRules: end after start, unique name, no overlap within the track), so
 * moving only the end date before the start is refused too; every problem is reported at once,
 * field by field. Setting a daily limit of 0 on an open phase needs `confirmClosed: true`.
 *
 * With an actor, the audit record (the changed fields, before and after) commits with the edit;
 * a change of privateRevealed is recorded as phase.reveal or phase.hide.
 */
export async function updatePhase(options: { db: Db; phaseId: string; input: unknown; actor?: AuditActor }): Promise<Phase> {
  const { db, phaseId } = options;
  const parsed = UpdatePhaseInput.safeParse(options.input);
  try {
    const updated = await db.$transaction(async (tx) => {
      const existing = await tx.phase.findUnique({ where: { id: phaseId } });
      if (!existing) throw notFound(phaseId);
      const details: AppErrorDetail[] = parsed.success ? [] : zodDetails(parsed.error);
      const { confirmClosed, ...data } = parsed.success ? parsed.data : {};
      // The rules across fields run on every field that is valid on its own, even when others are
      // not, so the form shows every problem at once.
      const merged = { ...existing, ...(parsed.success ? data : validFields(options.input)) };
      details.push(...(await checkPhaseRules({ tx, candidate: merged, phaseId })));
      const foreignKinds = kindsOutsideTrack(merged.track, merged.acceptedKinds);
      if (foreignKinds) details.push({ field: "acceptedKinds", message: foreignKinds });
      const closed = closedLimitDetail({ dailyLimit: merged.dailyLimit, previous: existing.dailyLimit, confirmClosed });
      if (closed) details.push(closed);
      if (!parsed.success || details.length > 0) {
        const onlyClosed = details.length === 1 && closed !== null;
        throw new AppError("validation", {
          user: onlyClosed
            ? "A daily limit of 0 closes submissions in this phase. Confirm it to save."
            : "Some phase settings are not valid.",
          details,
        });
      }
      const row = await tx.phase.update({ where: { id: phaseId }, data });
      const changed = PHASE_AUDIT_FIELDS.filter((k) => JSON.stringify(auditValue(existing[k])) !== JSON.stringify(auditValue(row[k])));
      const action = changed.includes("privateRevealed") ? (row.privateRevealed ? "phase.reveal" : "phase.hide") : "phase.update";
      await recordAuditEvent({
        db: tx,
        actor: options.actor,
        action,
        target: { type: "phase", id: phaseId },
        details: {
          name: row.name,
          before: Object.fromEntries(changed.map((k) => [k, auditValue(existing[k])])),
          after: Object.fromEntries(changed.map((k) => [k, auditValue(row[k])])),
        },
      });
      return row;
    });
    bumpPhaseChangeEpoch();
    return updated;
  } catch (error) {
    // Deleted between the read and the write.
    if (isNotFound(error)) throw notFound(phaseId);
    throw error;
  }
}

/** The fields of a refused input that are valid one by one. */
function validFields(input: unknown): Partial<Phase> {
  if (typeof input !== "object" || input === null) return {};
  const shape = UpdatePhaseInput.shape;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(key in shape) || key === "confirmClosed") continue;
    const one = shape[key as keyof typeof shape].safeParse(value);
    if (one.success && one.data !== undefined) out[key] = one.data;
  }
  return out as Partial<Phase>;
}

function notFound(phaseId: string): AppError {
  return new AppError("not-found", { user: "This phase does not exist.", internal: `phase ${phaseId}` });
}
