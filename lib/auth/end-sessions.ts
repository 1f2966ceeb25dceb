import type { Db } from "../db/client";
import { hashToken } from "./hash-token";

/** Sign-out: the session's row goes, so a copy of its cookie stops working too. */
export async function endSession(options: { db: Db; token: unknown }): Promise<void> {
  if (typeof options.token !== "string") return;
  await options.db.session.deleteMany({ where: { tokenHash: hashToken(options.token) } });
}

/**
 * "Sign out everywhere", and what a password change or reset does: ends every session of the
 * user, except the one given (the browser that asked). Returns how many were ended.
 */
export async function endAllSessions(options: { db: Db; userId: string; exceptToken?: string | null }): Promise<number> {
  const { count } = await options.db.session.deleteMany({
    where: { userId: options.userId, ...(options.exceptToken ? { tokenHash: { not: hashToken(options.exceptToken) } } : {}) },
  });
  return count;
}
