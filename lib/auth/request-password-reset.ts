import type { Db } from "../db/client";
import type { MailSettings } from "../mail/send-mail";
import { emailSchema } from "./account-schemas";
import { consumeAttempt } from "./consume-attempt";
import { sendAccountMail } from "./send-account-mail";

/**
 * "Forgot your password?": mails a one-hour reset link when the address has an account. The
 * answer is the same either way. Throttled per client address (AppError "quota-exceeded").
 */
export async function requestPasswordReset(options: {
  db: Db;
  email: unknown;
  client: string;
  publicUrl?: string;
  mailSettings?: MailSettings;
}): Promise<{ email: string }> {
  const parsed = emailSchema.safeParse(options.email);
  const email = parsed.success ? parsed.data : String(options.email ?? "").slice(0, 254);
  await consumeAttempt({
    db: options.db,
    prefix: "reset-client",
    key: options.client,
    points: 10,
    durationSeconds: 3600,
    message: "Too many reset requests from here.",
  });
  if (!parsed.success) return { email };
  const user = await options.db.user.findUnique({ where: { email }, select: { id: true, name: true } });
  if (user) {
    try {
      await sendAccountMail({
        db: options.db,
        mail: "reset-password",
        user,
        email,
        publicUrl: options.publicUrl,
        mailSettings: options.mailSettings,
      });
    } catch (error) {
      console.error("[password-reset] mail not sent", error);
    }
  }
  return { email };
}
