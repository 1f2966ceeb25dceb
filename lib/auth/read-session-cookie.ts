import { decode, encode } from "next-auth/jwt";

/** next-auth's session cookie: with the __Secure- prefix when PUBLIC_URL is https. */
export const SESSION_COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

/**
 * The session token inside a session cookie (a next-auth JWT, encrypted with AUTH_SECRET, that
 * carries only `sid`), or null for a missing, forged or expired cookie. The token still has to
 * name a live Session row (resolveSession): the cookie alone proves nothing after sign-out.
 */
export async function readSessionCookie(options: { cookie: string | undefined | null; secret: string }): Promise<string | null> {
  if (!options.cookie) return null;
  try {
    const jwt = await decode({ token: options.cookie, secret: options.secret });
    return typeof jwt?.sid === "string" ? jwt.sid : null;
  } catch {
    return null;
  }
}

/** The cookie value next-auth writes for a session token (tests; next-auth itself encodes what the jwt callback returns). */
export function encodeSessionCookie(options: { sessionToken: string; secret: string; maxAgeSeconds?: number }): Promise<string> {
  return encode({ token: { sid: options.sessionToken }, secret: options.secret, maxAge: options.maxAgeSeconds });
}
