import { displayNameSchema } from "../auth/account-schemas";
import { displayNameKey, isReservedDisplayName } from "../auth/display-name-key";
import type { Db } from "../db/client";
import { engineOfDb } from "../db/engine-of-db";
import { isUniqueViolation } from "../db/errors";
import { AppError } from "../errors/app-error";
import { assertTeamEligible } from "./assert-team-eligible";
import { lockUser, TEAM_TRANSACTION_OPTIONS } from "./lock-teams";
import { moveSubmissionsToTeam } from "./move-submissions-to-team";
import { getTeamPhaseRules, teamsClosedMessage } from "./team-phase-rules";

/**
 * A participant forms a team and becomes its captain. The name follows the display-name rules
 * (2-60 characters, unique ignoring case, width and spacing; no reserved words) and may not be
 * another participant's display name, so a team cannot pass for someone else on the board.
 * Their submissions of the current phase become the team's. Refused when teams are closed
 * (after the merge deadline), when the phase is solo only (cap 1), or when they are in a team.
 */
export async function createTeam(options: { db: Db; userId: string; name: unknown; now?: Date }): Promise<{ id: string; name: string }> {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const invalid = (message: string) => new AppError("validation", { user: message, details: [{ field: "name", message }] });
  const parsed = displayNameSchema.safeParse(options.name);
  if (!parsed.success) throw invalid(parsed.error.issues[0].message.replace("it is shown", "the team's name is shown"));
  const name = parsed.data;
  const nameKey = displayNameKey(name);
  await assertTeamEligible({ db, userId });

  const baselines = await db.baseline.findMany({ select: { name: true, title: true } });
  if (
    isReservedDisplayName(
      name,
      baselines.flatMap((b) => [b.name, b.title]),
    )
  ) {
    throw invalid("This name is reserved (it names a role, a baseline or a deleted account). Please choose another.");
  }
  const taken = () => invalid("A team or a participant already uses this name (names are compared ignoring case). Please choose another.");
  const person = await db.user.findUnique({ where: { nameKey }, select: { id: true } });
  if (person && person.id !== userId) throw taken();

  const rules = await getTeamPhaseRules({ db, now });
  if (!rules.open) throw new AppError("conflict", { user: teamsClosedMessage(rules) });
  if (rules.sizeCap < 2) throw new AppError("conflict", { user: "This phase is solo only (team size cap 1): teams cannot be formed." });

  return db.$transaction(async (tx) => {
    await lockUser({ tx, engine: engineOfDb(db), userId, now });
    const membership = await tx.teamMember.findUnique({ where: { userId }, select: { team: { select: { name: true } } } });
    if (membership) throw new AppError("conflict", { user: `You are already in the team "${membership.team.name}": leave it first.` });
    // The unique indexes decide races: the name (Team.nameKey), one team per person (TeamMember.userId).
    const team = await tx.team.create({ data: { name, nameKey, createdById: userId, createdAt: now } }).catch((error: unknown) => {
      throw isUniqueViolation(error) ? taken() : error;
    });
    await tx.teamMember.create({ data: { teamId: team.id, userId, role: "captain", joinedAt: now } }).catch((error: unknown) => {
      throw isUniqueViolation(error) ? new AppError("conflict", { user: "You are already in a team: leave it first." }) : error;
    });
    await moveSubmissionsToTeam({ tx, phase: rules.phase, from: { userId, teamId: null }, teamId: team.id, now });
    return team;
  }, TEAM_TRANSACTION_OPTIONS);
}
