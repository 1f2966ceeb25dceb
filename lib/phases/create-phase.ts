import type { Db, Phase } from "../db/client";
import { AppError, type AppErrorDetail } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { checkPhaseRules, closedLimitDetail } from "./check-phase-rules";
import { bumpPhaseChangeEpoch } from "./phase-change-epoch";
import { phaseAuditRecord } from "./phase-audit-fields";
import { CreatePhaseInput } from "./phase-input";

// Re-exported: callers of the operation find its input schema beside it.
export { CreatePhaseInput };

/**
 * Organizer: adds a phase. Required: name, startsAt, endsAt, dailyLimit; the rest has the
 * defaults of CreatePhaseInput (both kinds accepted, 2 final picks, teams of up to 5, rounded
 * scores). The same rules as an edit (checkPhaseRules: end after start, unique name, no overlap
 * within the track; a daily limit of 0 needs `confirmClosed: true`), every problem reported at
 * once. With an actor, the audit record (the new phase's settings) commits with it.
 */
export async function createPhase(options: { db: Db; input: unknown; actor?: AuditActor }): Promise<Phase> {
  const parsed = CreatePhaseInput.safeParse(options.input);
  const created = await options.db.$transaction(async (tx) => {
    const details: AppErrorDetail[] = parsed.success ? [] : zodDetails(parsed.error);
    if (parsed.success) {
      const { confirmClosed, ...data } = parsed.data;
      details.push(...(await checkPhaseRules({ tx, candidate: data })));
      const closed = closedLimitDetail({ dailyLimit: data.dailyLimit, confirmClosed });
      if (closed) details.push(closed);
    }
    if (!parsed.success || details.length > 0) {
      const onlyClosed = details.length === 1 && details[0].field === "dailyLimit" && parsed.success && parsed.data.dailyLimit === 0;
      throw new AppError("validation", {
        user: onlyClosed
          ? "A daily limit of 0 opens the phase closed to submissions. Confirm it to save."
          : "Some phase settings are not valid.",
        details,
      });
    }
    const { confirmClosed: _confirmed, ...data } = parsed.data;
    const phase = await tx.phase.create({ data });
    await recordAuditEvent({
      db: tx,
      actor: options.actor,
      action: "phase.create",
      target: { type: "phase", id: phase.id },
      details: { name: phase.name, after: phaseAuditRecord(phase) },
    });
    return phase;
  });
  bumpPhaseChangeEpoch();
  return created;
}
