import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { passwordSchema } from "./account-schemas";
import { checkPasswordStrength } from "./check-password-strength";
import { consumeEmailToken } from "./consume-email-token";
import { endAllSessions } from "./end-sessions";
import { isOrganizerEmail } from "./organizer-emails";
import { hashPassword } from "./password";

/**
 * Sets a new password through a reset link. Following the link proves the address, so it counts
 * as confirmed (and ORGANIZER_EMAILS applies); every session of the account ends, including any
 * of someone who had registered the address without owning it.
 */
export async function resetPassword(options: {
  db: Db;
  token: unknown;
  password: unknown;
  organizerEmails?: readonly string[];
  now?: Date;
}): Promise<{ email: string }> {
  const { db } = options;
  const now = options.now ?? new Date();
  const parsed = passwordSchema.safeParse(options.password);
  if (!parsed.success)
    throw new AppError("validation", {
      user: parsed.error.issues[0].message,
      details: [{ field: "password", message: parsed.error.issues[0].message }],
    });
  // Checked before the token is used up, so a weak choice does not cost the link.
  const strength = checkPasswordStrength({ password: parsed.data });
  if (!strength.ok)
    throw new AppError("validation", { user: strength.message, details: [{ field: "password", message: strength.message }] });
  const { userId, email } = await consumeEmailToken({ db, token: options.token, kind: "reset-password", now });
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, role: true, emailVerifiedAt: true } });
  // The link went to the account's address (a later change of address makes it void).
  if (user.email !== email) throw new AppError("validation", { user: "This link is not valid any more. Ask for a new one." });
  const role = user.role !== "organizer" && isOrganizerEmail(email, options.organizerEmails) ? "organizer" : undefined;
  await db.user.update({
    where: { id: userId },
    data: { passwordHash: await hashPassword(parsed.data), emailVerifiedAt: user.emailVerifiedAt ?? now, ...(role ? { role } : {}) },
  });
  await endAllSessions({ db, userId });
  return { email };
}
