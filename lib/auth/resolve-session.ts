import type { Db } from "../db/client";
import type { UserRole } from "../db/enums";
import { isAccountBlocked } from "./account-status";
import { SESSION_IDLE_MS, SESSION_RENEW_EVERY_MS } from "./create-session";
import { hashToken } from "./hash-token";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  emailVerified: boolean;
}

/**
 * The user of a session token, or null when the session was ended (signed out, signed out
 * everywhere, password changed) or has expired. A used session's idle expiry moves forward,
 * at most once an hour and never past its absolute expiry.
 */
export async function resolveSession(options: { db: Db; token: unknown; now?: Date }): Promise<SessionUser | null> {
  if (typeof options.token !== "string" || options.token.length < 20 || options.token.length > 200) return null;
  const now = options.now ?? new Date();
  const session = await options.db.session.findUnique({
    where: { tokenHash: hashToken(options.token) },
    include: { user: { select: { id: true, email: true, name: true, role: true, emailVerifiedAt: true, status: true } } },
  });
  if (!session) return null;
  // Suspending ends sessions; this also catches one created in a race with the suspension.
  if (isAccountBlocked(session.user)) {
    await options.db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (session.expiresAt <= now || session.absoluteExpiresAt <= now) {
    await options.db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (now.getTime() - session.renewedAt.getTime() >= SESSION_RENEW_EVERY_MS) {
    const expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, session.absoluteExpiresAt.getTime()));
    await options.db.session.updateMany({ where: { id: session.id }, data: { renewedAt: now, expiresAt } });
  }
  const { emailVerifiedAt, status: _status, ...user } = session.user;
  return { ...user, role: user.role as UserRole, emailVerified: emailVerifiedAt !== null };
}
