import type { Db } from "../db/client";
import type { MailSettings } from "../mail/send-mail";
import { sendAccountMail } from "./send-account-mail";

/**
 * Sends a signed-in user a new confirmation link for their address (the previous one stops
 * working). Nothing when the address is already confirmed. Returns whether a mail went out
 * (false also when the address got its hourly share of mails).
 */
export async function resendVerification(options: {
  db: Db;
  userId: string;
  publicUrl?: string;
  mailSettings?: MailSettings;
}): Promise<boolean> {
  const user = await options.db.user.findUnique({
    where: { id: options.userId },
    select: { id: true, name: true, email: true, emailVerifiedAt: true },
  });
  if (!user || user.emailVerifiedAt) return false;
  const sent = await sendAccountMail({
    db: options.db,
    mail: "verify-email",
    user,
    email: user.email,
    publicUrl: options.publicUrl,
    mailSettings: options.mailSettings,
  });
  return sent !== null;
}
