import type { Db, DbTransaction } from "../db/client";
import type { AuditAction, AuditActor, AuditTargetType } from "./audit-actor";

export interface RecordAuditEventOptions {
  /** Pass the action's transaction client so the record and the change commit together. */
  db: Db | DbTransaction;
  actor: AuditActor;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId?: string;
  /** What changed: { before, after } for edits, anything JSON for the rest. Never secrets. */
  details?: Record<string, unknown>;
  now?: Date;
}

/**
 * Appends one row to the organizers' audit trail. The trail is append-only: nothing in the
 * code base updates or deletes AuditEvent rows (tests/organizer-audit.test.ts checks that no
 * route or operation does), so the site cannot rewrite what an organizer did.
 */
export async function recordAuditEvent(options: RecordAuditEventOptions): Promise<void> {
  const { actor } = options;
  await options.db.auditEvent.create({
    data: {
      actorId: actor.id,
      actorLabel: actor.label.slice(0, 320),
      action: options.action,
      targetType: options.targetType,
      targetId: (options.targetId ?? "").slice(0, 200),
      details: JSON.parse(JSON.stringify(options.details ?? {})) as object,
      ip: (actor.ip ?? "").slice(0, 200),
      ...(options.now ? { createdAt: options.now } : {}),
    },
  });
}
