import type { Db, DbTransaction } from "../db/client";
import { engineOfDb } from "../db/engine-of-db";
import { isUniqueViolation } from "../db/errors";
import { AppError } from "../errors/app-error";
import { assertTeamEligible } from "./assert-team-eligible";
import { disbandTeamRows } from "./disband-team-rows";
import { lockTeams, lockUser, TEAM_TRANSACTION_OPTIONS } from "./lock-teams";
import { moveSubmissionsToTeam } from "./move-submissions-to-team";
import { findInviteByToken, planTeamInvite, type TeamInvitePlan } from "./plan-team-invite";
import { getTeamPhaseRules } from "./team-phase-rules";

export interface AcceptTeamInviteResult {
  plan: TeamInvitePlan;
  /** Submissions of the phase that became the team's. */
  moved: number;
  picksDropped: number;
}

/**
 * Accepts an invitation: a participant in no team joins as a member; the captain of another
 * team merges it (every member, the phase's submissions, the final picks trimmed to maxFinal)
 * into the inviting team, which survives; the merged team is disbanded. Every rule of
 * plan-team-invite.ts is checked inside one transaction that first locks both teams
 * (lock-teams.ts), so two accepts racing for the last place, or two merges racing, cannot
 * both pass: the second sees the first's result and is refused with the rule it now breaks.
 */
export async function acceptTeamInvite(options: { db: Db; userId: string; token: string; now?: Date }): Promise<AcceptTeamInviteResult> {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const user = await assertTeamEligible({ db, userId });
  // Which teams to lock: read before the transaction, checked again inside it.
  const invite = await findInviteByToken({ db, token: options.token });
  const before = await db.teamMember.findUnique({ where: { userId }, select: { teamId: true } });

  try {
    return await db.$transaction(async (tx) => {
      await lockTeams({ tx, engine: engineOfDb(db), teamIds: [invite.teamId, ...(before ? [before.teamId] : [])], now });
      if (!before) await lockUser({ tx, engine: engineOfDb(db), userId, now });
      const after = await tx.teamMember.findUnique({ where: { userId }, select: { teamId: true } });
      if ((after?.teamId ?? null) !== (before?.teamId ?? null)) {
        throw new AppError("conflict", {
          user: "Your team changed while you were accepting. Open the invitation again to see what it would do now.",
        });
      }
      const rules = await getTeamPhaseRules({ db: tx, now });
      const plan = await planTeamInvite({ db: tx, token: options.token, user, rules, now });
      const claimed = await tx.teamInvite.updateMany({
        where: { id: plan.inviteId, usedAt: null, revokedAt: null },
        data: { usedAt: now, usedById: userId },
      });
      if (claimed.count !== 1) throw new AppError("conflict", { user: "This invitation was already used. Ask the team for a new one." });

      const teamId = plan.team.id;
      let result: { moved: number; picksDropped: number };
      if (plan.source) {
        const sourceId = plan.source.id;
        await tx.teamMember.updateMany({ where: { teamId: sourceId }, data: { teamId, role: "member" } });
        result = await moveSubmissionsToTeam({ tx, phase: rules.phase, from: { teamId: sourceId }, teamId, now });
        await disbandTeamRows({ tx, teamId: sourceId, now });
      } else {
        await tx.teamMember.create({ data: { teamId, userId, role: "member", joinedAt: now } });
        result = await moveSubmissionsToTeam({ tx, phase: rules.phase, from: { userId, teamId: null }, teamId, now });
      }
      await assertTeamSize(tx, teamId, rules.sizeCap);
      return { plan, ...result };
    }, TEAM_TRANSACTION_OPTIONS);
  } catch (error) {
    // One team per person (TeamMember.userId) is also the database's rule: a race it decided.
    if (isUniqueViolation(error)) throw new AppError("conflict", { user: "You joined another team meanwhile: leave it first." });
    throw error;
  }
}

/** The invariant itself, checked before commit: the locks make it hold, this makes sure of it. */
async function assertTeamSize(tx: DbTransaction, teamId: string, cap: number): Promise<void> {
  const size = await tx.teamMember.count({ where: { teamId } });
  if (size > cap) throw new AppError("conflict", { user: `The team would have ${size} members; the cap of this phase is ${cap}.` });
}
