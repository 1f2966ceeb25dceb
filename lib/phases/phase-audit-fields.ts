import type { Phase } from "../db/client";

/** The organizer-set fields of a phase, as the audit trail records them (dates as ISO strings). */
export const PHASE_AUDIT_FIELDS = [
  "name",
  "track",
  "startsAt",
  "endsAt",
  "dailyLimit",
  "acceptedKinds",
  "maxFinal",
  "scoreVisibility",
  "ladderStep",
  "privateRevealed",
  "teamSizeCap",
  "mergeDeadline",
  "description",
] as const satisfies readonly (keyof Phase)[];
export type PhaseAuditField = (typeof PHASE_AUDIT_FIELDS)[number];

/** One field's value as JSON: dates as ISO 8601, the rest as is. */
export function auditValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** The given fields of a phase, JSON-ready. */
export function phaseAuditRecord(phase: Phase, keys: readonly PhaseAuditField[] = PHASE_AUDIT_FIELDS): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, auditValue(phase[k])]));
}
