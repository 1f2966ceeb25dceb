import type { Db } from "../db/client";

export interface TeamListItem {
  id: string;
  name: string;
  createdAt: Date;
  disbandedAt: Date | null;
  members: { name: string; role: string; userId?: string }[];
  submissions: number;
}

/**
 * The teams, newest first: active ones for everyone; with `includeDisbanded` (the organizers'
 * list) the disbanded ones too, and member user ids for the remove buttons. At most 500.
 */
export async function listTeams(options: { db: Db; includeDisbanded?: boolean; limit?: number }): Promise<TeamListItem[]> {
  const organizer = options.includeDisbanded === true;
  const teams = await options.db.team.findMany({
    where: organizer ? {} : { disbandedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(options.limit ?? 500, 500),
    select: {
      id: true,
      name: true,
      createdAt: true,
      disbandedAt: true,
      members: { select: { userId: true, role: true, user: { select: { name: true } } }, orderBy: [{ joinedAt: "asc" }, { id: "asc" }] },
      _count: { select: { submissions: true } },
    },
  });
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    createdAt: t.createdAt,
    disbandedAt: t.disbandedAt,
    members: t.members.map((m) => ({ name: m.user.name, role: m.role, ...(organizer ? { userId: m.userId } : {}) })),
    submissions: t._count.submissions,
  }));
}
