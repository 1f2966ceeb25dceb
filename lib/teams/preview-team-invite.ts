import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { planTeamInvite, type TeamInvitePlan } from "./plan-team-invite";
import { getTeamPhaseRules } from "./team-phase-rules";

/**
 * For the accept page: what accepting the invitation would do (join or merge, sizes, the merge
 * rule's numbers, final picks dropped), or why it cannot be accepted, without changing anything.
 */
export async function previewTeamInvite(options: {
  db: Db;
  userId: string;
  token: string;
  now?: Date;
}): Promise<{ ok: true; plan: TeamInvitePlan } | { ok: false; reason: string }> {
  const { db } = options;
  const now = options.now ?? new Date();
  const user = await db.user.findUnique({ where: { id: options.userId }, select: { id: true, email: true } });
  if (!user) throw new AppError("unauthorized", { user: "Please sign in again." });
  try {
    const plan = await planTeamInvite({ db, token: options.token, user, rules: await getTeamPhaseRules({ db, now }), now });
    return { ok: true, plan };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, reason: error.userMessage };
    throw error;
  }
}
