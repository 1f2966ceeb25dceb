import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { getDb } from "../db/client";
import { env } from "../env";
import { INTERNAL_ERROR_MESSAGE, isAppError } from "../errors/app-error";
import { getInstanceSecret } from "../setup/instance-secret";
import { formatClientAddress, readClientAddress, throttleKeyOf } from "../http/client-address";
import { createSession, SESSION_ABSOLUTE_MS } from "./create-session";
import { endSession } from "./end-sessions";
import { findOrCreateOAuthUser } from "./find-or-create-oauth-user";
import { verifyCredentials } from "./verify-credentials";

/** What authorize() hands to the jwt callback besides the user: for the session row. */
interface SignedInUser {
  id: string;
  email: string;
  name: string;
  client?: string;
  userAgent?: string;
}

/** Google says whether the address is verified; GitHub only hands out verified addresses. */
function providerVerifiesEmail(provider: string, profile: unknown): boolean {
  if (provider === "github") return true;
  return (profile as { email_verified?: boolean } | undefined)?.email_verified === true;
}

let cached: NextAuthOptions | undefined;

/**
 * next-auth configuration: e-mail + password always; GitHub and Google when their client id and
 * secret are set. A sign-in creates a server-side Session row; the JWT cookie carries only its
 * random token (`sid`). getCurrentUser checks the row on every request, so signing out (which
 * deletes it), "sign out everywhere" and a password change end a session at once, copied cookies
 * included; role and name are read from the database, so a promotion takes effect at once.
 */
export function getAuthOptions(): NextAuthOptions {
  if (cached) return cached;
  const config = env();
  // next-auth builds its absolute URLs (OAuth callbacks, redirects) from NEXTAUTH_URL and would
  // otherwise assume localhost:3000.
  process.env.NEXTAUTH_URL ??= config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        try {
          const client = readClientAddress((req?.headers ?? {}) as Record<string, unknown>);
          const user = await verifyCredentials({
            db: getDb(),
            email: credentials?.email,
            password: credentials?.password,
            client: throttleKeyOf(client),
          });
          const userAgent = (req?.headers as Record<string, unknown> | undefined)?.["user-agent"];
          const signedIn: SignedInUser = {
            id: user.id,
            email: user.email,
            name: user.name,
            client: formatClientAddress(client),
            userAgent: typeof userAgent === "string" ? userAgent : "",
          };
          return signedIn;
        } catch (error) {
          // next-auth hands the message of an error thrown here to the sign-in form as is: only
          // ever the user-facing text.
          if (isAppError(error)) throw new Error(error.userMessage);
          console.error("[auth] sign-in failed", error);
          throw new Error(INTERNAL_ERROR_MESSAGE);
        }
      },
    }),
  ];
  if (config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET) {
    providers.push(GitHubProvider({ clientId: config.GITHUB_CLIENT_ID, clientSecret: config.GITHUB_CLIENT_SECRET }));
  }
  if (config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET) {
    providers.push(GoogleProvider({ clientId: config.GOOGLE_CLIENT_ID, clientSecret: config.GOOGLE_CLIENT_SECRET }));
  }
  cached = {
    providers,
    secret: getInstanceSecret({ dataDir: config.dataDir, name: "auth-secret", override: config.AUTH_SECRET }),
    // The cookie lives as long as a session can; the Session row decides when it really ends.
    session: { strategy: "jwt", maxAge: SESSION_ABSOLUTE_MS / 1000 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    callbacks: {
      async signIn({ account, profile }) {
        if (!account || account.provider === "credentials") return true;
        return providerVerifiesEmail(account.provider, profile);
      },
      async jwt({ token, user, account, profile }) {
        if (!user) return token; // an existing session: its cookie stays as it is
        let userId = user.id;
        if (account && account.provider !== "credentials") {
          const ours = await findOrCreateOAuthUser({
            db: getDb(),
            email: profile?.email ?? user.email,
            emailVerified: providerVerifiesEmail(account.provider, profile),
            name: user.name,
          });
          userId = ours.id;
        }
        const signedIn = user as Partial<SignedInUser>;
        const sid = await createSession({ db: getDb(), userId, ip: signedIn.client, userAgent: signedIn.userAgent });
        // Only the session token: no name, address or user id in the cookie.
        return { sid };
      },
      async session({ session }) {
        // What /api/auth/session shows to the page's scripts: never the session token.
        return { expires: session.expires };
      },
    },
    events: {
      async signOut({ token }) {
        await endSession({ db: getDb(), token: (token as { sid?: unknown } | null)?.sid });
      },
    },
  };
  return cached;
}

/** Names of the OAuth providers that are switched on, for the sign-in page's buttons. */
export function enabledOAuthProviders(): { id: string; name: string }[] {
  const config = env();
  return [
    ...(config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET ? [{ id: "github", name: "GitHub" }] : []),
    ...(config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET ? [{ id: "google", name: "Google" }] : []),
  ];
}
