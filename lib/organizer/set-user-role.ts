import { z } from "zod";
import type { Db, PublicUser } from "../db/client";
import { UserRole } from "../db/enums";
import { AppError } from "../errors/app-error";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";

export const SetUserRoleInput = z.object({
  email: z.string().trim().toLowerCase().email("must be an e-mail address"),
  role: UserRole,
});
export type SetUserRoleInput = z.input<typeof SetUserRoleInput>;

/**
 * Gives an account the organizer or participant role (`npm run users -- promote|demote`).
 * E-mails are stored lower-case (sign-up normalises them), so the lookup is too. Refuses to
 * demote the account that owns baselines: its entries would turn into quota-limited ones.
 */
export async function setUserRole(options: {
  db: Db;
  input: SetUserRoleInput;
  actor?: AuditActor;
}): Promise<{ user: PublicUser; changed: boolean }> {
  const { db } = options;
  const parsed = SetUserRoleInput.safeParse(options.input);
  if (!parsed.success) {
    throw new AppError("validation", { user: `"${String(options.input.email)}" is not an e-mail address.` });
  }
  const { email, role } = parsed.data;
  const user = await db.user.findUnique({ where: { email }, include: { _count: { select: { baselines: true } } } });
  if (!user)
    throw new AppError("not-found", {
      user: `No account with the e-mail address ${email}. Run \`npm run users -- list\` to see the accounts.`,
    });
  const { _count, ...rest } = user;
  if (user.role === role) return { user: rest, changed: false };
  if (role === "participant" && _count.baselines > 0) {
    throw new AppError("conflict", { user: `${email} owns the baseline models and must stay an organizer.` });
  }
  // With an actor, the audit record commits with the role change.
  const updated = await db.$transaction(async (tx) => {
    const row = await tx.user.update({ where: { id: user.id }, data: { role }, omit: { passwordHash: true } });
    await recordAuditEvent({
      db: tx,
      actor: options.actor,
      action: role === "organizer" ? "user.promote" : "user.demote",
      target: { type: "user", id: user.id },
      details: { email, before: { role: user.role }, after: { role } },
    });
    return row;
  });
  return { user: updated, changed: true };
}
