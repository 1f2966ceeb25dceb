import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { getDb } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { getInstanceSecret } from "../setup/instance-secret";
import { SESSION_COOKIE_NAMES, readSessionCookie } from "./read-session-cookie";
import { resolveSession, type SessionUser } from "./resolve-session";

/** `emailVerified` is optional for callers that build a user by hand (tests): absent counts as not confirmed. */
export type CurrentUser = Omit<SessionUser, "emailVerified"> & { emailVerified?: boolean };

/** The session token of this request's cookie, or null (for "sign out everywhere else"). */
export const getSessionToken = cache(async (): Promise<string | null> => {
  const store = await cookies();
  const cookie = SESSION_COOKIE_NAMES.map((name) => store.get(name)?.value).find(Boolean);
  const config = env();
  return readSessionCookie({
    cookie,
    secret: getInstanceSecret({ dataDir: config.dataDir, name: "auth-secret", override: config.AUTH_SECRET }),
  });
});

/**
 * The signed-in user of this request (pages, route handlers, server actions), or null. The
 * cookie only names a server-side session (lib/auth/resolve-session.ts): a session that was
 * signed out, ended everywhere or expired is no session, whatever the cookie says. Role, name
 * and whether the address is confirmed are read from the database once per request (React cache).
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const token = await getSessionToken();
  return token ? resolveSession({ db: getDb(), token }) : null;
});

/** For route handlers and actions: the user, or AppError "unauthorized" (401). */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthorized", { user: "Please sign in first." });
  return user;
}

/** For organizer-only routes: 401 when signed out, 403 for participants. */
export async function requireOrganizer(): Promise<CurrentUser> {
  const user = await requireUser();
  if (user.role !== "organizer") throw new AppError("forbidden", { user: "This page is for the challenge organizers." });
  return user;
}
