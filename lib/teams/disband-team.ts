import { organizerActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db } from "../db/client";
import { engineOfDb } from "../db/engine-of-db";
import { AppError } from "../errors/app-error";
import { disbandTeamRows } from "./disband-team-rows";
import { lockTeams, TEAM_TRANSACTION_OPTIONS } from "./lock-teams";

/**
 * Organizer: disbands a team (disband-team-rows.ts: members out, invitations revoked, its
 * submissions back to their authors), audited in the same transaction.
 */
export async function disbandTeam(options: {
  db: Db;
  teamId: string;
  organizer: { id: string; email: string };
  ip?: string;
  now?: Date;
}): Promise<{ members: number; submissions: number }> {
  const { db, teamId } = options;
  const now = options.now ?? new Date();
  return db.$transaction(async (tx) => {
    await lockTeams({ tx, engine: engineOfDb(db), teamIds: [teamId], now });
    const team = await tx.team.findUnique({
      where: { id: teamId },
      select: { name: true, disbandedAt: true, members: { select: { userId: true } } },
    });
    if (!team) throw new AppError("not-found", { user: "There is no such team.", internal: `team ${teamId}` });
    if (team.disbandedAt) throw new AppError("conflict", { user: "This team was already disbanded." });
    const result = await disbandTeamRows({ tx, teamId, now });
    await recordAuditEvent({
      db: tx,
      actor: organizerActor(options.organizer, options.ip),
      action: "team.disband",
      target: { type: "team", id: teamId },
      details: { team: team.name, members: team.members.map((m) => m.userId), submissionsReturned: result.submissions },
      now,
    });
    return result;
  }, TEAM_TRANSACTION_OPTIONS);
}
