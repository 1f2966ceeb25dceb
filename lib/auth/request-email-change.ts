import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { MailSettings } from "../mail/send-mail";
import { emailSchema } from "./account-schemas";
import { getEntryRules } from "../entry-rules/get-entry-rules";
import { isEmailDomainAllowed } from "./email-domain-allowed";
import { sendAccountMail } from "./send-account-mail";

/**
 * Starts a change of address: a confirmation link goes to the new address, and the account
 * changes only when it is followed (verifyEmail). An address that already has an account gets
 * no mail, and the answer is the same, so this does not reveal who is registered either.
 */
export async function requestEmailChange(options: {
  db: Db;
  userId: string;
  newEmail: unknown;
  publicUrl?: string;
  mailSettings?: MailSettings;
}): Promise<{ email: string }> {
  const parsed = emailSchema.safeParse(options.newEmail);
  if (!parsed.success)
    throw new AppError("validation", {
      user: "Enter a valid e-mail address.",
      details: [{ field: "email", message: parsed.error.issues[0].message }],
    });
  const email = parsed.data;
  const rules = await getEntryRules({ db: options.db });
  if (!isEmailDomainAllowed(email, { allowed: rules.allowedDomains, blocked: rules.blockedDomains })) {
    throw new AppError("validation", {
      user: "Addresses at this domain are not accepted.",
      details: [{ field: "email", message: "domain not accepted" }],
    });
  }
  const user = await options.db.user.findUniqueOrThrow({ where: { id: options.userId }, select: { id: true, name: true } });
  if (!(await options.db.user.findUnique({ where: { email }, select: { id: true } }))) {
    await sendAccountMail({
      db: options.db,
      mail: "verify-email",
      user,
      email,
      publicUrl: options.publicUrl,
      mailSettings: options.mailSettings,
    });
  }
  return { email };
}
