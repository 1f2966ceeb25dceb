import type { Db } from "../db/client";
import { hashToken } from "../auth/hash-token";

export interface SessionView {
  id: string;
  createdAt: Date;
  /** When it was last used, to the hour (sessions record use at most once an hour). */
  lastUsedAt: Date;
  expiresAt: Date;
  ip: string;
  userAgent: string;
  /** The browser asking. */
  current: boolean;
}

/** The user's signed-in browsers that have not expired, most recently used first. */
export async function listSessions(options: { db: Db; userId: string; currentToken?: string | null; now?: Date }): Promise<SessionView[]> {
  const now = options.now ?? new Date();
  const currentHash = options.currentToken ? hashToken(options.currentToken) : null;
  const rows = await options.db.session.findMany({
    where: { userId: options.userId, expiresAt: { gt: now }, absoluteExpiresAt: { gt: now } },
    orderBy: [{ renewedAt: "desc" }, { createdAt: "desc" }],
    select: { id: true, tokenHash: true, createdAt: true, renewedAt: true, expiresAt: true, ip: true, userAgent: true },
  });
  return rows.map(({ tokenHash, renewedAt, ...row }) => ({ ...row, lastUsedAt: renewedAt, current: tokenHash === currentHash }));
}
