import { z } from "zod";
import { emailSchema } from "../auth/account-schemas";
import { consumeAttempt } from "../auth/consume-attempt";
import { hashToken, newToken } from "../auth/hash-token";
import { MAILS_PER_ADDRESS_PER_HOUR } from "../auth/send-account-mail";
import type { Db } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { sendMail, type MailDelivery, type MailSettings } from "../mail/send-mail";
import { findTeamOfMember } from "./find-team-of-member";
import { teamInviteMessage } from "./team-invite-message";
import { getTeamPhaseRules, teamsClosedMessage } from "./team-phase-rules";

/** How long an invitation link works. */
export const TEAM_INVITE_DAYS = 7;
/** Open invitations per team: enough for any team under the largest cap, too few to spam with. */
export const MAX_PENDING_INVITES = 10;

export const createTeamInviteInputSchema = z
  .object({
    /** Absent: a link to hand over yourself. Present: the link goes to this address, and only its owner can use it. */
    email: z.preprocess((v) => (v === "" || v === null ? undefined : v), emailSchema.optional()),
  })
  .strict();

export interface CreatedTeamInvite {
  invite: { id: string; email: string | null; expiresAt: Date };
  /** The link with the token: shown once to the inviter (link invites) or mailed (e-mail invites), never stored. */
  link: string | null;
  delivery: MailDelivery | null;
}

/**
 * A member invites someone to their team: a random single-use token (only its SHA-256 is
 * stored) that expires after TEAM_INVITE_DAYS. Refused after the team deadline, when the team
 * is already full, or with MAX_PENDING_INVITES open. E-mail invites are rate-limited per
 * address like the account mails, and a refused delivery removes the invite again.
 */
export async function createTeamInvite(options: {
  db: Db;
  userId: string;
  teamId: string;
  input: unknown;
  publicUrl?: string;
  mailSettings?: MailSettings;
  now?: Date;
}): Promise<CreatedTeamInvite> {
  const { db, userId } = options;
  const now = options.now ?? new Date();
  const parsed = createTeamInviteInputSchema.safeParse(options.input ?? {});
  if (!parsed.success) throw new AppError("validation", { user: "The invitation is not valid.", details: zodDetails(parsed.error) });
  const { email } = parsed.data;

  const team = await findTeamOfMember({ db, userId, teamId: options.teamId });
  const rules = await getTeamPhaseRules({ db, now });
  if (!rules.open) throw new AppError("conflict", { user: teamsClosedMessage(rules) });
  const members = await db.teamMember.count({ where: { teamId: team.id } });
  if (members >= rules.sizeCap) {
    throw new AppError("conflict", { user: `The team is full: ${members} of ${rules.sizeCap} members, the cap of this phase.` });
  }
  const pending = await db.teamInvite.count({ where: { teamId: team.id, usedAt: null, revokedAt: null, expiresAt: { gt: now } } });
  if (pending >= MAX_PENDING_INVITES) {
    throw new AppError("conflict", { user: `The team has ${pending} open invitations, the most allowed: revoke one first.` });
  }
  if (email) {
    await consumeAttempt({
      db,
      prefix: "mail-to",
      key: email,
      points: MAILS_PER_ADDRESS_PER_HOUR,
      durationSeconds: 3600,
      message: "Too many e-mails to this address in the last hour.",
    });
  }

  const token = newToken();
  const link = `${options.publicUrl ?? env().publicUrl}/teams/join/${token}`;
  const expiresAt = new Date(now.getTime() + TEAM_INVITE_DAYS * 86_400_000);
  const invite = await db.teamInvite.create({
    data: { teamId: team.id, tokenHash: hashToken(token), email: email ?? null, createdById: userId, expiresAt, createdAt: now },
    select: { id: true, email: true, expiresAt: true },
  });
  if (!email) return { invite, link, delivery: null };

  const inviter = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { name: true } });
  try {
    const delivery = await sendMail({
      message: teamInviteMessage({ to: email, inviter: inviter.name, team: team.name, link, expiresAt }),
      settings: options.mailSettings,
    });
    return { invite, link: null, delivery };
  } catch (error) {
    await db.teamInvite.delete({ where: { id: invite.id } });
    throw new AppError("unavailable", {
      user: "The invitation e-mail could not be sent. Please try again later, or invite with a link.",
      internal: `team invite mail to ${email}: ${String(error)}`,
      cause: error,
    });
  }
}
