import type { Db, DbTransaction } from "../db/client";
import type { AuditAction, AuditActor, AuditTargetType } from "./audit-actor";

/** What an event is about: the kind of record and its id (none for "labels"; "" is stored then). */
export interface AuditTarget {
  type: AuditTargetType;
  id?: string;
}

export interface RecordAuditEventOptions {
  /** Pass the action's transaction client so the record and the change commit together. */
  db: Db | DbTransaction;
  /**
   * Who did it. Operations whose actor is optional (run by tests or scripts with no organizer)
   * pass theirs as it is: with none, nothing is recorded. Required as a key so that no call
   * forgets it.
   */
  actor: AuditActor | undefined;
  action: AuditAction;
  target: AuditTarget;
  /** What changed: { before, after } for edits, anything JSON for the rest. Never secrets. */
  details?: Record<string, unknown>;
  now?: Date;
}

/**
 * Appends one row to the organizers' audit trail, when there is an actor. The trail is
 * append-only: nothing in the code base updates or deletes AuditEvent rows
 * (tests/organizer-console.test.ts checks that no route or operation does), so the site cannot
 * rewrite what an organizer did.
 */
export async function recordAuditEvent(options: RecordAuditEventOptions): Promise<void> {
  const { actor, target } = options;
  if (!actor) return;
  await options.db.auditEvent.create({
    data: {
      actorId: actor.id,
      actorLabel: actor.label.slice(0, 320),
      action: options.action,
      targetType: target.type,
      targetId: (target.id ?? "").slice(0, 200),
      details: JSON.parse(JSON.stringify(options.details ?? {})) as object,
      ip: (actor.ip ?? "").slice(0, 200),
      ...(options.now ? { createdAt: options.now } : {}),
    },
  });
}
