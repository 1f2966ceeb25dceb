import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { blockedAccountMessage, isAccountBlocked } from "./account-status";
import { hashToken, newToken } from "./hash-token";

/** A session ends after a week without use, and after 30 days in any case. */
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 30 * 24 * 60 * 60 * 1000;
/** Use pushes the idle expiry forward at most this often (one write per hour, not per request). */
export const SESSION_RENEW_EVERY_MS = 60 * 60 * 1000;

/**
 * Starts a server-side session for a user who just proved who they are, and returns its random
 * token (the only thing the session cookie carries). The row keeps the token's hash.
 */
export async function createSession(options: { db: Db; userId: string; ip?: string; userAgent?: string; now?: Date }): Promise<string> {
  const now = options.now ?? new Date();
  // Every sign-in (password or OAuth) ends here: a suspended or banned account gets no session.
  const user = await options.db.user.findUnique({ where: { id: options.userId }, select: { status: true } });
  if (user && isAccountBlocked(user))
    throw new AppError("forbidden", {
      user: blockedAccountMessage(user.status),
      internal: `sign-in of a ${user.status} account ${options.userId}`,
    });
  const token = newToken();
  await options.db.session.create({
    data: {
      tokenHash: hashToken(token),
      userId: options.userId,
      createdAt: now,
      renewedAt: now,
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
      absoluteExpiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      ip: (options.ip ?? "").slice(0, 200),
      userAgent: (options.userAgent ?? "").slice(0, 300),
    },
  });
  return token;
}
