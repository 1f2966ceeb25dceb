import type { Db, Phase } from "../db/client";
import { isForeignKeyViolation, isNotFound } from "../db/errors";
import { AppError } from "../errors/app-error";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { bumpPhaseChangeEpoch } from "./phase-change-epoch";
import { phaseAuditRecord } from "./phase-audit-fields";

/**
 * Organizer: removes a phase that has no submissions (a phase added by mistake, or planned and
 * dropped). A phase with submissions is refused with a conflict saying how many: its entries,
 * scores and final picks are the record of the challenge (Submission.phaseId is onDelete:
 * Restrict as well, so a submission arriving between the count and the delete also stops it).
 * Shorten such a phase instead. With an actor, the audit record (the deleted settings) commits
 * with it.
 */
export async function deletePhase(options: { db: Db; phaseId: string; actor?: AuditActor }): Promise<Phase> {
  const { db, phaseId } = options;
  try {
    const deleted = await db.$transaction(async (tx) => {
      const phase = await tx.phase.findUnique({ where: { id: phaseId } });
      if (!phase) throw notFound(phaseId);
      const submissions = await tx.submission.count({ where: { phaseId } });
      if (submissions > 0) throw hasSubmissions(phase, submissions);
      await tx.phase.delete({ where: { id: phaseId } });
      await recordAuditEvent({
        db: tx,
        actor: options.actor,
        action: "phase.delete",
        target: { type: "phase", id: phaseId },
        details: { name: phase.name, before: phaseAuditRecord(phase) },
      });
      return phase;
    });
    bumpPhaseChangeEpoch();
    return deleted;
  } catch (error) {
    if (isNotFound(error)) throw notFound(phaseId);
    if (isForeignKeyViolation(error)) {
      throw new AppError("conflict", {
        user: "This phase cannot be deleted: a submission was just made in it. Shorten the phase instead.",
        internal: `phase ${phaseId}: foreign key on delete`,
      });
    }
    throw error;
  }
}

function hasSubmissions(phase: Phase, count: number): AppError {
  return new AppError("conflict", {
    user: `"${phase.name}" cannot be deleted: it has ${count.toLocaleString("en-US")} submission${count === 1 ? "" : "s"}. Shorten the phase (move its end) instead.`,
    internal: `phase ${phase.id} has ${count} submissions`,
    details: [{ field: "phaseId", message: `${count} submission${count === 1 ? "" : "s"} belong to this phase` }],
  });
}

function notFound(phaseId: string): AppError {
  return new AppError("not-found", { user: "This phase does not exist.", internal: `phase ${phaseId}` });
}
