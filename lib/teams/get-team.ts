import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { SCORE_POLICY_SELECT, scorePolicyAt } from "../phases/score-policy";
import { showPublicScores } from "../phases/show-public-scores";

export interface TeamView {
  id: string;
  name: string;
  createdAt: Date;
  disbandedAt: Date | null;
  /** In the order they joined; userId only for organizers (their remove buttons need it). */
  members: { name: string; role: string; joinedAt: Date; userId?: string }[];
  /** The team's scored entries, newest first, with the public score as the phase's policy shows it. */
  entries: { id: string; kind: string; author: string; createdAt: Date; publicMain: number | null; isFinal?: boolean }[];
  /** The best shown public score: the one the leaderboard ranks. */
  bestPublic: number | null;
  /** Whether the viewer is a member (invite management, final picks shown). */
  viewerIsMember: boolean;
  /** Open invitations: members and organizers only. */
  invites?: { id: string; email: string | null; expiresAt: Date; createdAt: Date }[];
}

/**
 * A team as its page shows it, to everyone: name, members, scored entries and best public score
 * (scores under the phase's score policy, as on the leaderboard: never the exact numbers while
 * they are rounded or laddered). Members also see the final picks and the open invitations.
 * A disbanded team is "not found" except to organizers.
 */
export async function getTeam(options: {
  db: Db;
  teamId: string;
  viewer: { id: string; role: string } | null;
  now?: Date;
}): Promise<TeamView> {
  const { db, viewer } = options;
  const now = options.now ?? new Date();
  const organizer = viewer?.role === "organizer";
  const team = await db.team.findUnique({
    where: { id: options.teamId },
    select: {
      id: true,
      name: true,
      createdAt: true,
      disbandedAt: true,
      members: {
        select: { userId: true, role: true, joinedAt: true, user: { select: { name: true } } },
        orderBy: [{ joinedAt: "asc" }, { id: "asc" }],
      },
    },
  });
  if (!team || (team.disbandedAt && !organizer))
    throw new AppError("not-found", { user: "There is no such team.", internal: `team ${options.teamId}` });
  const viewerIsMember = viewer !== null && team.members.some((m) => m.userId === viewer.id);

  const [rows, phases, invites] = await Promise.all([
    db.submission.findMany({
      where: { teamId: team.id, status: "scored", disqualifiedAt: null, dataset: { isCurrent: true } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        kind: true,
        createdAt: true,
        isFinal: true,
        user: { select: { name: true } },
        score: { select: { publicMain: true } },
      },
    }),
    db.phase.findMany({ select: SCORE_POLICY_SELECT }),
    viewerIsMember || organizer
      ? db.teamInvite.findMany({
          where: { teamId: team.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
          orderBy: { createdAt: "desc" },
          select: { id: true, email: true, expiresAt: true, createdAt: true },
        })
      : Promise.resolve(undefined),
  ]);
  const policy = organizer ? ({ kind: "exact" } as const) : scorePolicyAt({ phases, now });
  const shown = showPublicScores({
    policy,
    entries: rows.flatMap((r) => (r.score && Number.isFinite(r.score.publicMain) ? [{ id: r.id, main: r.score.publicMain }] : [])),
  });
  const entries = rows
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      author: r.user.name,
      createdAt: r.createdAt,
      publicMain: shown.get(r.id)?.shown ?? null,
      ...(viewerIsMember || organizer ? { isFinal: r.isFinal } : {}),
    }))
    .reverse();
  const scores = entries.flatMap((e) => (e.publicMain === null ? [] : [e.publicMain]));
  return {
    id: team.id,
    name: team.name,
    createdAt: team.createdAt,
    disbandedAt: team.disbandedAt,
    members: team.members.map((m) => ({
      name: m.user.name,
      role: m.role,
      joinedAt: m.joinedAt,
      ...(organizer ? { userId: m.userId } : {}),
    })),
    entries,
    bestPublic: scores.length > 0 ? Math.max(...scores) : null,
    viewerIsMember,
    ...(invites ? { invites } : {}),
  };
}
