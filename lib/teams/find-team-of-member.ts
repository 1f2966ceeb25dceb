import type { Db, DbTransaction } from "../db/client";
import { AppError } from "../errors/app-error";

/**
 * The team `teamId` if `userId` is one of its members, else "not found": to anyone outside
 * it a team's invitations do not exist, so their ids cannot be probed.
 */
export async function findTeamOfMember(options: {
  db: Db | DbTransaction;
  userId: string;
  teamId: string;
}): Promise<{ id: string; name: string; role: string }> {
  const member = await options.db.teamMember.findUnique({
    where: { userId: options.userId },
    select: { role: true, team: { select: { id: true, name: true, disbandedAt: true } } },
  });
  if (!member || member.team.id !== options.teamId || member.team.disbandedAt) {
    throw new AppError("not-found", {
      user: "You are not a member of this team.",
      internal: `user ${options.userId}, team ${options.teamId}`,
    });
  }
  return { id: member.team.id, name: member.team.name, role: member.role };
}
