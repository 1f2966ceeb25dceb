import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { verifyUnsubscribeToken } from "./unsubscribe-token";

function invalidLink(): AppError {
  return new AppError("validation", {
    user: "This unsubscribe link is not valid. Copy the whole link from the e-mail, or change the setting on your account page.",
    details: [{ field: "token", message: "not a valid unsubscribe token" }],
  });
}

/** Whom a link would unsubscribe, for the confirmation page (read only: a GET never unsubscribes). */
export async function readUnsubscribeLink(options: {
  db: Db;
  token: unknown;
  secret?: string;
}): Promise<{ maskedEmail: string; optedOut: boolean }> {
  const userId = verifyUnsubscribeToken({ token: options.token, secret: options.secret });
  if (!userId) throw invalidLink();
  const user = await options.db.user.findUnique({
    where: { id: userId },
    select: { email: true, deletedAt: true, announcementsOptOutAt: true },
  });
  if (!user || user.deletedAt) throw invalidLink();
  return { maskedEmail: maskEmail(user.email), optedOut: user.announcementsOptOutAt !== null };
}

/**
 * Unsubscribes the link's owner from organizer announcements (the link in every announcement
 * e-mail and its List-Unsubscribe one-click POST). No login: the signed token is the proof.
 * Repeating it changes nothing (the first time is kept). Account mail is not affected.
 */
export async function unsubscribeFromAnnouncements(options: {
  db: Db;
  token: unknown;
  secret?: string;
  now?: Date;
}): Promise<{ maskedEmail: string; changed: boolean }> {
  const userId = verifyUnsubscribeToken({ token: options.token, secret: options.secret });
  if (!userId) throw invalidLink();
  const user = await options.db.user.findUnique({ where: { id: userId }, select: { email: true, deletedAt: true } });
  if (!user || user.deletedAt) throw invalidLink();
  const { count } = await options.db.user.updateMany({
    where: { id: userId, announcementsOptOutAt: null },
    data: { announcementsOptOutAt: options.now ?? new Date() },
  });
  return { maskedEmail: maskEmail(user.email), changed: count === 1 };
}

/** "al***@example.org": enough for the owner to recognise, not a full address for whoever holds the link. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  return `${local.slice(0, Math.min(2, local.length))}***${email.slice(at)}`;
}
