import { organizerActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

/**
 * Organizer: revokes an invitation code at once (accounts created with it stay). Revoking a
 * revoked code changes nothing and records nothing. Audited in the same transaction.
 */
export async function revokeInvitationCode(options: {
  db: Db;
  id: string;
  organizer: { id: string; email: string };
  ip?: string;
  now?: Date;
}): Promise<{ id: string; revokedAt: Date; changed: boolean }> {
  const now = options.now ?? new Date();
  return options.db.$transaction(async (tx) => {
    const code = await tx.invitationCode.findUnique({ where: { id: options.id } });
    if (!code) throw new AppError("not-found", { user: "There is no such invitation code.", internal: `invitation code ${options.id}` });
    if (code.revokedAt) return { id: code.id, revokedAt: code.revokedAt, changed: false };
    await tx.invitationCode.update({ where: { id: code.id }, data: { revokedAt: now } });
    await recordAuditEvent({
      db: tx,
      actor: organizerActor(options.organizer, options.ip),
      action: "invitation-code.revoke",
      target: { type: "invitation-code", id: code.id },
      details: { prefix: code.prefix, label: code.label, uses: code.uses, maxUses: code.maxUses },
      now,
    });
    return { id: code.id, revokedAt: now, changed: true };
  });
}
