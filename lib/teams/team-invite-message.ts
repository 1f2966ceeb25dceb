import { compose } from "../mail/mail-templates";
import type { MailMessage } from "../mail/send-mail";

/** The e-mail of an invitation to a team (create-team-invite.ts). */
export function teamInviteMessage(options: { to: string; inviter: string; team: string; link: string; expiresAt: Date }): MailMessage {
  const days = Math.round((options.expiresAt.getTime() - Date.now()) / 86_400_000);
  return compose({
    to: options.to,
    subject: `${options.inviter} invites you to the team "${options.team}" on Tiny Portraits`,
    greeting: "Hello,",
    paragraphs: [
      `${options.inviter} invites you to join the team "${options.team}" in the Tiny Portraits challenge.`,
      "A team shares one daily submission limit, one set of final picks and one line on the leaderboard. The page behind the link says exactly what joining changes for you before you confirm.",
    ],
    action: "See the invitation",
    link: options.link,
    after: `The link works once, for ${days === 1 ? "1 day" : `${days} days`}, and only for an account with this address. If you do not know ${options.inviter}, ignore this message.`,
  });
}
