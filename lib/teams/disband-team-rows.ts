import type { DbTransaction } from "../db/client";

/**
 * What disbanding leaves of a team, inside the caller's transaction (leave, merge, organizer):
 * no members, no open invitation, and every submission still carrying its id goes back to its
 * author (teamId null), so no leaderboard line names a team that no longer exists. The row
 * itself stays (disbandedAt) for the organizers' history; its name is freed.
 */
export async function disbandTeamRows(options: {
  tx: DbTransaction;
  teamId: string;
  now: Date;
}): Promise<{ members: number; submissions: number }> {
  const { tx, teamId, now } = options;
  const members = await tx.teamMember.deleteMany({ where: { teamId } });
  await tx.teamInvite.updateMany({ where: { teamId, usedAt: null, revokedAt: null }, data: { revokedAt: now } });
  const submissions = await tx.submission.updateMany({ where: { teamId }, data: { teamId: null, updatedAt: now } });
  await tx.team.update({ where: { id: teamId }, data: { disbandedAt: now, nameKey: `~disbanded:${teamId}`, updatedAt: now } });
  return { members: members.count, submissions: submissions.count };
}
