import type { DbTransaction } from "../db/client";
import { disbandTeamRows } from "./disband-team-rows";

export interface RemovedMembership {
  /** The member who became captain because the captain left; null when none had to. */
  newCaptainId: string | null;
  /** The last member left: the team was disbanded. */
  disbanded: boolean;
}

/**
 * Takes one member out of a team, inside the caller's transaction (which locked the team):
 * a departing captain hands the captaincy to the member who joined first; the last member
 * leaving disbands the team. The member's submissions made while in the team stay the team's
 * (its quota and line counted them); their next ones are their own.
 */
export async function removeMembership(options: {
  tx: DbTransaction;
  teamId: string;
  userId: string;
  now: Date;
}): Promise<RemovedMembership> {
  const { tx, teamId, userId, now } = options;
  const member = await tx.teamMember.findUnique({ where: { userId }, select: { teamId: true, role: true } });
  if (!member || member.teamId !== teamId) return { newCaptainId: null, disbanded: false };
  await tx.teamMember.delete({ where: { userId } });
  const next = await tx.teamMember.findFirst({
    where: { teamId },
    orderBy: [{ joinedAt: "asc" }, { id: "asc" }],
    select: { id: true, userId: true },
  });
  if (!next) {
    await disbandTeamRows({ tx, teamId, now });
    return { newCaptainId: null, disbanded: true };
  }
  if (member.role !== "captain") return { newCaptainId: null, disbanded: false };
  await tx.teamMember.update({ where: { id: next.id }, data: { role: "captain" } });
  return { newCaptainId: next.userId, disbanded: false };
}
