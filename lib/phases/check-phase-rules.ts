import type { DbTransaction, Phase } from "../db/client";
import type { AppErrorDetail } from "../errors/app-error";
import { formatUtc } from "./format-phase-time";

/** A phase as it would be saved: what the rules across fields and across phases look at. */
export type PhaseCandidate = Pick<Phase, "name" | "startsAt" | "endsAt" | "track" | "dailyLimit" | "mergeDeadline">;

/**
 * The rules a phase must meet as a whole, beyond each field's own (phase-input.ts), one detail
 * per problem so the form shows them all at once:
 * - it ends after it starts; a merge deadline lies within the phase;
 * - no other phase has the same name (ignoring case): participants and the audit trail tell
 *   phases apart by name;
 * - it does not overlap another phase of its track: a submission belongs to the one phase
 *   running at upload time, and with two running the rules (daily limit, kinds) would be
 *   ambiguous. Phases are half-open intervals [start, end), so one may start when another ends.
 */
export async function checkPhaseRules(options: {
  tx: DbTransaction;
  candidate: PhaseCandidate;
  /** The phase being edited (left out of the name and overlap checks); undefined when creating. */
  phaseId?: string;
}): Promise<AppErrorDetail[]> {
  const { candidate: c } = options;
  const details: AppErrorDetail[] = [];
  if (c.endsAt.getTime() <= c.startsAt.getTime()) details.push({ field: "endsAt", message: "must be after the start" });
  if (c.mergeDeadline && (c.mergeDeadline.getTime() <= c.startsAt.getTime() || c.mergeDeadline.getTime() > c.endsAt.getTime())) {
    details.push({ field: "mergeDeadline", message: "must be after the start and no later than the end" });
  }
  const others = await options.tx.phase.findMany({
    where: options.phaseId ? { id: { not: options.phaseId } } : {},
    select: { id: true, name: true, startsAt: true, endsAt: true, track: true },
    orderBy: { startsAt: "asc" },
  });
  const key = c.name.trim().toLowerCase();
  if (others.some((o) => o.name.trim().toLowerCase() === key)) {
    details.push({ field: "name", message: `another phase is already called "${c.name}"` });
  }
  if (c.endsAt.getTime() > c.startsAt.getTime()) {
    const clash = others.find(
      (o) => o.track === c.track && o.startsAt.getTime() < c.endsAt.getTime() && c.startsAt.getTime() < o.endsAt.getTime(),
    );
    if (clash) {
      details.push({
        field: "startsAt",
        message: `overlaps "${clash.name}" (${formatUtc(clash.startsAt)} – ${formatUtc(clash.endsAt)}) of the same track: phases of one track must not overlap`,
      });
    }
  }
  return details;
}

/**
 * A daily limit of 0 closes submissions for the whole phase. Saving it must be deliberate: the
 * request says `confirmClosed: true` whenever it sets 0 on a phase that was open (or creates a
 * closed one); keeping an already closed phase at 0 needs no new confirmation.
 */
export function closedLimitDetail(options: { dailyLimit: number; previous?: number; confirmClosed?: boolean }): AppErrorDetail | null {
  if (options.dailyLimit !== 0 || options.previous === 0 || options.confirmClosed === true) return null;
  return {
    field: "dailyLimit",
    message: "0 closes submissions in this phase for everyone; confirm it (confirmClosed: true) to save",
  };
}
