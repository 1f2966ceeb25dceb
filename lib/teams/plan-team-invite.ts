import { hashToken } from "../auth/hash-token";
import type { Db, DbTransaction, Prisma } from "../db/client";
import { AppError } from "../errors/app-error";
import { formatUtc } from "../phases/format-phase-time";
import { plural } from "../format/plural";
import { phaseSubmissionsWhere, teamsClosedMessage, type TeamPhaseRules } from "./team-phase-rules";

/** What accepting an invitation would do, in the numbers the accept page shows and the errors quote. */
export interface TeamInvitePlan {
  inviteId: string;
  team: { id: string; name: string; members: string[] };
  /** join: a participant in no team joins. merge: the captain of `source` brings their whole team. */
  kind: "join" | "merge";
  source: { id: string; name: string; members: string[] } | null;
  /** Members after the change, and the phase's cap. */
  size: number;
  sizeCap: number;
  /** Submissions of the phase that count against the quota: both sides together. */
  combinedSubmissions: number;
  /** dailyLimit x days elapsed, when a phase exists. */
  allowance: { dailyLimit: number; days: number; max: number } | null;
  /** Final picks above the phase's maxFinal that the change would drop (the lowest by public score). */
  picksDropped: number;
  maxFinal: number | null;
}

/** The invitation behind a link token, or "not found" (the same answer for any wrong token). */
export async function findInviteByToken(options: { db: Db | DbTransaction; token: string }) {
  const token = options.token.trim();
  const invite =
    token.length >= 20 && token.length <= 100
      ? await options.db.teamInvite.findUnique({
          where: { tokenHash: hashToken(token) },
          select: { id: true, teamId: true, email: true, expiresAt: true, usedAt: true, usedById: true, revokedAt: true },
        })
      : null;
  if (!invite) throw new AppError("not-found", { user: "This invitation link is not valid. Ask the team for a new one." });
  return invite;
}

/**
 * Checks an invitation for `user` against every team rule and says what accepting it would do;
 * throws the AppError that explains the first rule it breaks. accept-team-invite.ts runs it again
 * inside its transaction, after locking both teams, so what it checked is what it changes.
 */
export async function planTeamInvite(options: {
  db: Db | DbTransaction;
  token: string;
  user: { id: string; email: string };
  rules: TeamPhaseRules;
  now: Date;
}): Promise<TeamInvitePlan> {
  const { db, user, rules, now } = options;
  const invite = await findInviteByToken({ db, token: options.token });
  if (invite.revokedAt) throw new AppError("conflict", { user: "This invitation was revoked by the team. Ask them for a new one." });
  if (invite.usedAt) {
    throw new AppError("conflict", {
      user:
        invite.usedById === user.id
          ? "You already accepted this invitation."
          : "This invitation was already used. Ask the team for a new one.",
    });
  }
  if (invite.expiresAt.getTime() <= now.getTime()) {
    throw new AppError("conflict", { user: `This invitation expired on ${formatUtc(invite.expiresAt)}. Ask the team for a new one.` });
  }
  if (invite.email && invite.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new AppError("forbidden", {
      user: "This invitation was sent to another e-mail address: sign in with that account, or ask the team for a link.",
    });
  }
  const team = await teamWithMembers(db, invite.teamId);
  if (!team) throw new AppError("conflict", { user: "This team no longer exists." });
  if (!rules.open) throw new AppError("conflict", { user: teamsClosedMessage(rules) });

  const own = await db.teamMember.findUnique({ where: { userId: user.id }, select: { role: true, teamId: true } });
  if (own?.teamId === team.id) throw new AppError("conflict", { user: `You are already in the team "${team.name}".` });
  const source = own ? await teamWithMembers(db, own.teamId) : null;
  if (own && source && own.role !== "captain") {
    throw new AppError("conflict", {
      user: `You are a member of the team "${source.name}": only its captain can merge it into another team. Leave it first to join on your own.`,
    });
  }

  const size = team.members.length + (source ? source.members.length : 1);
  if (size > rules.sizeCap) {
    throw new AppError("conflict", {
      user: `Together you would be ${size} members; the team size cap of this phase is ${rules.sizeCap}.`,
    });
  }

  const joining: Prisma.SubmissionWhereInput = source ? { teamId: source.id } : { userId: user.id, teamId: null };
  let combinedSubmissions = 0;
  let picksDropped = 0;
  if (rules.phase) {
    const inPhase = phaseSubmissionsWhere(rules.phase);
    const both: Prisma.SubmissionWhereInput = { AND: [inPhase, { OR: [{ teamId: team.id }, joining] }] };
    combinedSubmissions = await db.submission.count({ where: { AND: [both, { countsAgainstQuota: true }] } });
    const picks = await db.submission.count({ where: { AND: [both, { isFinal: true }] } });
    picksDropped = Math.max(0, picks - rules.phase.maxFinal);
  }
  const allowance = rules.mergeAllowance;
  if (allowance && combinedSubmissions > allowance.max) {
    throw new AppError("conflict", {
      user:
        `Together ${source ? "the two teams" : "you and the team"} have made ${plural(combinedSubmissions, "submission")} in this phase; ` +
        `a merged team may have made at most ${allowance.dailyLimit} per day × ${plural(allowance.days, "day")} so far = ${allowance.max}. ` +
        "So they can no longer merge (the rule keeps merged teams within one team's quota).",
    });
  }
  return {
    inviteId: invite.id,
    team,
    kind: source ? "merge" : "join",
    source,
    size,
    sizeCap: rules.sizeCap,
    combinedSubmissions,
    allowance,
    picksDropped,
    maxFinal: rules.phase?.maxFinal ?? null,
  };
}

async function teamWithMembers(db: Db | DbTransaction, teamId: string) {
  const team = await db.team.findUnique({
    where: { id: teamId },
    select: {
      id: true,
      name: true,
      disbandedAt: true,
      members: { select: { user: { select: { name: true } } }, orderBy: [{ joinedAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!team || team.disbandedAt) return null;
  return { id: team.id, name: team.name, members: team.members.map((m) => m.user.name) };
}
