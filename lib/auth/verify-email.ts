import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { consumeEmailToken } from "./consume-email-token";
import { isOrganizerEmail } from "./organizer-emails";

/**
 * Follows a confirmation link: the address it was sent to is now proved. For a change of
 * address the account takes the new one (unless someone else registered it meanwhile). A
 * confirmed address listed in ORGANIZER_EMAILS gets the organizer role here.
 */
export async function verifyEmail(options: {
  db: Db;
  token: unknown;
  organizerEmails?: readonly string[];
  now?: Date;
}): Promise<{ email: string; name: string }> {
  const { db } = options;
  const now = options.now ?? new Date();
  const { userId, email } = await consumeEmailToken({ db, token: options.token, kind: "verify-email", now });
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, role: true } });
  if (user.email !== email) {
    const holder = await db.user.findUnique({ where: { email }, select: { id: true } });
    if (holder) throw new AppError("conflict", { user: "Another account uses this address now, so it cannot become yours." });
  }
  const role = user.role !== "organizer" && isOrganizerEmail(email, options.organizerEmails) ? "organizer" : undefined;
  const updated = await db.user.update({
    where: { id: userId },
    data: { email, emailVerifiedAt: now, ...(role ? { role } : {}) },
    select: { email: true, name: true },
  });
  return updated;
}
