import type { Db, DbTransaction } from "../db/client";

/** The team a participant is in (id, name, their role), or null: for the account page, the quota and the leaderboard's own-row mark. */
export async function getUserTeam(options: {
  db: Db | DbTransaction;
  userId: string;
}): Promise<{ id: string; name: string; role: string } | null> {
  const member = await options.db.teamMember.findUnique({
    where: { userId: options.userId },
    select: { role: true, team: { select: { id: true, name: true } } },
  });
  return member ? { id: member.team.id, name: member.team.name, role: member.role } : null;
}
