import { blockedAccountMessage, isAccountBlocked } from "../auth/account-status";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { assertTermsAccepted } from "../terms/assert-terms-accepted";

/**
 * Who may form or join a team: the same people who may submit (lib/submissions/create-submission.ts):
 * an active account with a confirmed address that accepted the current terms. A team is a
 * leaderboard competitor, so it takes the same proof of one reachable person per member.
 */
export async function assertTeamEligible(options: { db: Db; userId: string }): Promise<{ id: string; name: string; email: string }> {
  const { db, userId } = options;
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, email: true, status: true, emailVerifiedAt: true, deletedAt: true },
  });
  if (!user || user.deletedAt) throw new AppError("unauthorized", { user: "Please sign in again.", internal: `user ${userId} not found` });
  if (isAccountBlocked(user))
    throw new AppError("forbidden", { user: blockedAccountMessage(user.status), internal: `blocked user ${userId}` });
  if (!user.emailVerifiedAt) {
    throw new AppError("forbidden", {
      user: "Confirm your e-mail address before forming or joining a team: open the link we sent you, or ask for a new one on your account page.",
      internal: `unverified address of ${userId}`,
      details: [{ field: "email", message: "not confirmed" }],
    });
  }
  await assertTermsAccepted({ db, userId });
  return { id: user.id, name: user.name, email: user.email };
}
