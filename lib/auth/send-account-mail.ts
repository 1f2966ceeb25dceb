import type { Db } from "../db/client";
import type { EmailTokenKind } from "../db/enums";
import { env } from "../env";
import { passwordResetMessage, signUpAttemptMessage, verifyEmailMessage } from "../mail/mail-templates";
import { sendMail, type MailDelivery, type MailSettings } from "../mail/send-mail";
import { consumeAttempt } from "./consume-attempt";
import { createEmailToken } from "./create-email-token";

const PAGES: Record<EmailTokenKind, string> = { "verify-email": "/verify-email", "reset-password": "/reset-password" };

/** Mails carrying a link per address per hour: nobody can flood someone's inbox through our forms. */
export const MAILS_PER_ADDRESS_PER_HOUR = 5;

export type AccountMail = "verify-email" | "reset-password" | "sign-up-attempt";

/**
 * Sends one of the account mails with a fresh single-use link (verification: 24 h; reset and
 * the sign-up-attempt notice, which carries a reset link: 1 h). Returns null without sending
 * when the address already got its hourly share: callers answer the same either way.
 */
export async function sendAccountMail(options: {
  db: Db;
  mail: AccountMail;
  user: { id: string; name: string };
  /** Where to send it: the account's address, or the new one for a change of address. */
  email: string;
  publicUrl?: string;
  mailSettings?: MailSettings;
}): Promise<MailDelivery | null> {
  try {
    await consumeAttempt({
      db: options.db,
      prefix: "mail-to",
      key: options.email,
      points: MAILS_PER_ADDRESS_PER_HOUR,
      durationSeconds: 3600,
      message: "",
    });
  } catch {
    return null;
  }
  const kind: EmailTokenKind = options.mail === "verify-email" ? "verify-email" : "reset-password";
  const token = await createEmailToken({ db: options.db, userId: options.user.id, kind, email: options.email });
  const link = `${options.publicUrl ?? env().publicUrl}${PAGES[kind]}?token=${encodeURIComponent(token)}`;
  const content = { to: options.email, name: options.user.name, link };
  const message =
    options.mail === "verify-email"
      ? verifyEmailMessage(content)
      : options.mail === "reset-password"
        ? passwordResetMessage(content)
        : signUpAttemptMessage(content);
  return sendMail({ message, settings: options.mailSettings });
}
