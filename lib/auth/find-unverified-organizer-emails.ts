import type { Db } from "../db/client";
import { env } from "../env";

/**
 * For `npm start`'s warnings: each ORGANIZER_EMAILS address that has no account with a confirmed
 * address yet (so nobody holds the organizer role through it), as a sentence.
 */
export async function findUnverifiedOrganizerEmails(options: { db: Db; organizerEmails?: readonly string[] }): Promise<string[]> {
  const list = options.organizerEmails ?? env().ORGANIZER_EMAILS;
  if (list.length === 0) return [];
  const users = await options.db.user.findMany({ where: { email: { in: [...list] } }, select: { email: true, emailVerifiedAt: true } });
  return list.flatMap((email) => {
    const user = users.find((u) => u.email === email);
    if (!user)
      return [
        `ORGANIZER_EMAILS lists ${email}, which has no account yet: it becomes an organizer once it signs up and confirms the address.`,
      ];
    if (!user.emailVerifiedAt)
      return [`ORGANIZER_EMAILS lists ${email}, whose account has not confirmed its address: it is not an organizer until it does.`];
    return [];
  });
}
