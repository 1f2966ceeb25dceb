import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { findTeamOfMember } from "./find-team-of-member";

/**
 * Any member withdraws one of the team's open invitations: its link stops working at once.
 * An invitation of another team is "not found"; one already used or revoked is a conflict.
 */
export async function revokeTeamInvite(options: { db: Db; userId: string; teamId: string; inviteId: string; now?: Date }): Promise<void> {
  const { db } = options;
  const now = options.now ?? new Date();
  const team = await findTeamOfMember({ db, userId: options.userId, teamId: options.teamId });
  const changed = await db.teamInvite.updateMany({
    where: { id: options.inviteId, teamId: team.id, usedAt: null, revokedAt: null },
    data: { revokedAt: now },
  });
  if (changed.count === 1) return;
  const invite = await db.teamInvite.findFirst({ where: { id: options.inviteId, teamId: team.id }, select: { usedAt: true } });
  if (!invite) throw new AppError("not-found", { user: "There is no such invitation.", internal: `invite ${options.inviteId}` });
  throw new AppError("conflict", { user: invite.usedAt ? "This invitation was already used." : "This invitation was already revoked." });
}
