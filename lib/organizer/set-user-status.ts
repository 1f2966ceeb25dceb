import { z } from "zod";
import { organizerActor, type AuditAction } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { UserStatus } from "../db/enums";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";

export const SetUserStatusInput = z
  .object({
    status: UserStatus,
    /** Why: required to suspend or ban, optional to reinstate. Organizers only ever see it. */
    reason: z.string().trim().max(500, "must be at most 500 characters").default(""),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.status !== "active" && v.reason.length < 3)
      ctx.addIssue({ code: "custom", path: ["reason"], message: "must be at least 3 characters" });
  });
export type SetUserStatusInput = z.input<typeof SetUserStatusInput>;

const ACTION: Record<UserStatus, AuditAction> = { active: "user.reinstate", suspended: "user.suspend", banned: "user.ban" };

/**
 * Organizer: suspends, bans or reinstates a participant. A blocked account (lib/auth/account-status.ts)
 * cannot sign in, its sessions end here and its API tokens are refused at resolution (they are
 * kept, so reinstating gives them back), it cannot submit (every submission path resolves the
 * user first), and its entries leave the leaderboard (the snapshot query filters on the status;
 * the User.updatedAt this write moves invalidates the cached board). Suspended and banned differ
 * only in what the participant is told. Organizers cannot be blocked here: their role is taken
 * away with `npm run users -- demote` first. One transaction: status, sessions, audit record.
 */
export async function setUserStatus(options: {
  db: Db;
  userId: string;
  input: unknown;
  organizer: { id: string; email: string };
  ip?: string;
  now?: Date;
}): Promise<{ id: string; status: UserStatus; changed: boolean; sessionsEnded: number }> {
  const { db, userId, organizer } = options;
  const parsed = SetUserStatusInput.safeParse(options.input);
  if (!parsed.success) throw new AppError("validation", { user: "Please check the form.", details: zodDetails(parsed.error) });
  const { status, reason } = parsed.data;
  const now = options.now ?? new Date();
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { id: true, role: true, status: true, statusReason: true, deletedAt: true },
    });
    if (!user) throw new AppError("not-found", { user: "There is no such participant.", internal: `user ${userId}` });
    if (user.role === "organizer") {
      throw new AppError("conflict", {
        user: "Organizers cannot be suspended or banned here: demote them first with npm run users -- demote EMAIL.",
      });
    }
    const ended = status === "active" ? { count: 0 } : await tx.session.deleteMany({ where: { userId } });
    if (user.status === status && (user.statusReason ?? "") === reason)
      return { id: userId, status, changed: false, sessionsEnded: ended.count };
    await tx.user.update({
      where: { id: userId },
      data: { status, statusReason: reason || null, statusChangedAt: now, statusChangedById: organizer.id },
    });
    await recordAuditEvent({
      db: tx,
      actor: organizerActor(organizer, options.ip),
      action: ACTION[status],
      target: { type: "user", id: userId },
      details: {
        before: { status: user.status, reason: user.statusReason },
        after: { status, reason: reason || null },
        sessionsEnded: ended.count,
      },
      now,
    });
    return { id: userId, status, changed: true, sessionsEnded: ended.count };
  });
}
