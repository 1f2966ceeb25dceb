import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { displayNameKey } from "../auth/display-name-key";
import { verifyPassword } from "../auth/password";
import { leaveTeam } from "../teams/leave-team";

/** The name a deleted account shows on the leaderboard. */
export function deletedAccountName(userId: string): string {
  return `deleted-${userId.slice(-8)}`;
}

/**
 * Deletes an account the way docs/identity.md promises: the person goes, the record of the
 * competition stays.
 *
 * - Gone: the e-mail address (replaced by an undeliverable placeholder), the display name
 *   (now "deleted-<id>"), the team membership (docs/teams.md), the password, the confirmed-address mark, the organizer role, every
 *   session (signed out everywhere), every API token and every pending e-mail link. Nobody can
 *   sign in to it again; the address is free for a new account.
 * - Kept: the submissions and their scores, so the leaderboard's ranks do not shift under
 *   everyone else; they show under the deleted name. The terms acceptances and the download log
 *   stay too (the dataset licence requires a record of who received the images), tied to the
 *   anonymous account.
 *
 * Confirmation: the current password, or for an account without one (OAuth) its display name.
 * A baseline owner (an organizer) cannot delete the account while it owns baselines.
 */
export async function deleteAccount(options: { db: Db; userId: string; confirmation: unknown; now?: Date }): Promise<{ name: string }> {
  const { db, userId } = options;
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, name: true, passwordHash: true, deletedAt: true },
  });
  if (user.deletedAt) throw new AppError("not-found", { user: "This account has been deleted already." });
  const confirmation = typeof options.confirmation === "string" ? options.confirmation : "";
  const confirmed = user.passwordHash
    ? await verifyPassword({ hash: user.passwordHash, password: confirmation })
    : displayNameKey(confirmation) === displayNameKey(user.name);
  if (!confirmed) {
    const what = user.passwordHash ? "your current password" : "your display name";
    throw new AppError("validation", {
      user: `To delete the account, enter ${what}.`,
      details: [{ field: "confirmation", message: "does not match" }],
    });
  }
  if ((await db.baseline.count({ where: { ownerId: userId } })) > 0) {
    throw new AppError("conflict", { user: "This account owns the organizer baselines; hand them to another organizer first." });
  }
  const name = deletedAccountName(userId);
  // The person leaves their team (lib/teams: a captain hands over; the last one out disbands it);
  // the entries they made in it stay the team's, like everyone's submissions stay on the board.
  if (await db.teamMember.findUnique({ where: { userId }, select: { id: true } })) await leaveTeam({ db, userId, now: options.now });
  await db.$transaction([
    db.session.deleteMany({ where: { userId } }),
    db.apiToken.deleteMany({ where: { userId } }),
    db.emailToken.deleteMany({ where: { userId } }),
    db.user.update({
      where: { id: userId },
      data: {
        email: `${userId}@deleted.invalid`,
        name,
        nameKey: displayNameKey(name),
        passwordHash: null,
        emailVerifiedAt: null,
        role: "participant",
        deletedAt: options.now ?? new Date(),
      },
    }),
  ]);
  return { name };
}
