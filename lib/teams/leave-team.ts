import type { Db } from "../db/client";
import { engineOfDb } from "../db/engine-of-db";
import { AppError } from "../errors/app-error";
import { lockTeams, TEAM_TRANSACTION_OPTIONS } from "./lock-teams";
import { removeMembership, type RemovedMembership } from "./remove-membership";

/**
 * A participant leaves their team (remove-membership.ts: the oldest member becomes captain;
 * the last one out disbands it). Allowed at any time, after the deadline too: leaving forms no
 * new team, and the departing member's earlier submissions stay with the team.
 */
export async function leaveTeam(options: { db: Db; userId: string; now?: Date }): Promise<RemovedMembership & { teamId: string }> {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const member = await db.teamMember.findUnique({ where: { userId }, select: { teamId: true } });
  if (!member) throw new AppError("conflict", { user: "You are not in a team." });
  return db.$transaction(async (tx) => {
    await lockTeams({ tx, engine: engineOfDb(db), teamIds: [member.teamId], now });
    const still = await tx.teamMember.findUnique({ where: { userId }, select: { teamId: true } });
    if (still?.teamId !== member.teamId) throw new AppError("conflict", { user: "Your team changed meanwhile: reload the page." });
    return { teamId: member.teamId, ...(await removeMembership({ tx, teamId: member.teamId, userId, now })) };
  }, TEAM_TRANSACTION_OPTIONS);
}
