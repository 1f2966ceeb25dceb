import { organizerActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { engineOfDb } from "../db/engine-of-db";
import { AppError } from "../errors/app-error";
import { lockTeams, TEAM_TRANSACTION_OPTIONS } from "./lock-teams";
import { removeMembership, type RemovedMembership } from "./remove-membership";

/**
 * Organizer: takes a participant out of a team (as if they left: remove-membership.ts), with
 * the audit record in the same transaction. Someone not in that team is "not found".
 */
export async function removeTeamMember(options: {
  db: Db;
  teamId: string;
  userId: string;
  organizer: { id: string; email: string };
  ip?: string;
  now?: Date;
}): Promise<RemovedMembership> {
  const { db, teamId, userId } = options;
  const now = options.now ?? new Date();
  return db.$transaction(async (tx) => {
    await lockTeams({ tx, engine: engineOfDb(db), teamIds: [teamId], now });
    const member = await tx.teamMember.findUnique({
      where: { userId },
      select: { teamId: true, role: true, team: { select: { name: true } }, user: { select: { name: true } } },
    });
    if (!member || member.teamId !== teamId) {
      throw new AppError("not-found", {
        user: "This participant is not a member of this team.",
        internal: `user ${userId}, team ${teamId}`,
      });
    }
    const result = await removeMembership({ tx, teamId, userId, now });
    await recordAuditEvent({
      db: tx,
      actor: organizerActor(options.organizer, options.ip),
      action: "team.remove-member",
      target: { type: "team", id: teamId },
      details: { team: member.team.name, userId, member: member.user.name, role: member.role, ...result },
      now,
    });
    return result;
  }, TEAM_TRANSACTION_OPTIONS);
}
