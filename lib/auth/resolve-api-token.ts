import type { Db } from "../db/client";
import type { UserRole } from "../db/enums";
import { AppError } from "../errors/app-error";
import { blockedAccountMessage, isAccountBlocked } from "./account-status";
import { API_TOKEN_PREFIX, parseStoredScopes, type ApiScope } from "./api-token-scopes";
import { consumeAttempt } from "./consume-attempt";
import { hashToken } from "./hash-token";
import type { SessionUser } from "./resolve-session";

/** Last-used time and address are written at most this often per token, not on every request. */
export const API_TOKEN_TOUCH_EVERY_MS = 60_000;

/**
 * The user behind a personal API token, for the participant API (lib/auth/require-api-user.ts).
 * Refuses (401) a malformed, unknown (revoked) or expired token, (403) one without the scope
 * the route needs, and (429) more than `ratePerMinute` requests a minute with one token, counted
 * in the database so every web node shares the count. The user it returns goes through the same
 * operations as a signed-in browser, so the quota, the terms and the confirmed address apply alike.
 */
export async function resolveApiToken(options: {
  db: Db;
  token: string;
  scope: ApiScope;
  ratePerMinute: number;
  /** Client address as recorded ("203.0.113.7" or "... via ..."): shown on the account page. */
  client?: string;
  now?: Date;
}): Promise<SessionUser> {
  const { db, token } = options;
  const now = options.now ?? new Date();
  const refused = (user: string, internal: string) => new AppError("unauthorized", { user, internal });
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length < 20 || token.length > 200) {
    throw refused("This is not a Tiny Portraits API token (they start with tp_). Create one on your account page.", "malformed API token");
  }
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, email: true, name: true, role: true, emailVerifiedAt: true, deletedAt: true, status: true } } },
  });
  if (!row || row.user.deletedAt)
    throw refused(
      "This API token is not valid: it was revoked or never existed. Create a new one on your account page.",
      "unknown API token",
    );
  if (isAccountBlocked(row.user))
    throw refused(blockedAccountMessage(row.user.status), `API token ${row.id} of a ${row.user.status} account`);
  if (row.expiresAt && row.expiresAt <= now) {
    throw refused(
      `This API token expired on ${row.expiresAt.toISOString().slice(0, 10)}. Create a new one on your account page.`,
      `expired API token ${row.id}`,
    );
  }
  await consumeAttempt({
    db,
    prefix: "api-token",
    key: row.id,
    points: options.ratePerMinute,
    durationSeconds: 60,
    message: `This API token made more than ${options.ratePerMinute} requests in a minute.`,
  });
  if (!parseStoredScopes(row.scopes).includes(options.scope)) {
    throw new AppError("forbidden", {
      user: `This API token may not do this: it needs the "${options.scope}" scope. Create a token with that scope on your account page.`,
      internal: `API token ${row.id} lacks scope ${options.scope}`,
    });
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= API_TOKEN_TOUCH_EVERY_MS) {
    await db.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now, lastUsedIp: (options.client ?? "").slice(0, 200) } });
  }
  const { emailVerifiedAt, deletedAt: _deleted, status: _status, ...user } = row.user;
  return { ...user, role: user.role as UserRole, emailVerified: emailVerifiedAt !== null };
}
