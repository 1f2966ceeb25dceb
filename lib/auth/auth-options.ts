import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { getDb } from "../db/client";
import { env } from "../env";
import { INTERNAL_ERROR_MESSAGE, isAppError } from "../errors/app-error";
import { getInstanceSecret } from "../setup/instance-secret";
import { findOrCreateOAuthUser } from "./find-or-create-oauth-user";
import { verifyCredentials } from "./verify-credentials";

/** The client address a proxy reports, if any (see sign-in-rate-limit.ts for why only then). */
function forwardedIp(headers: Record<string, unknown> | undefined): string | null {
  const value = headers?.["x-forwarded-for"] ?? headers?.["x-real-ip"];
  return typeof value === "string" ? value.split(",")[0].trim() || null : null;
}

let cached: NextAuthOptions | undefined;

/**
 * next-auth configuration: e-mail + password always; GitHub and Google when their client id and
 * secret are set. Sessions are signed JWT cookies holding only the user id: role and name are
 * read from the database on each request (getCurrentUser), so a promotion or a deleted account
 * takes effect at once.
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
          const user = await verifyCredentials({
            db: getDb(),
            email: credentials?.email,
            password: credentials?.password,
            ip: forwardedIp(req?.headers as Record<string, unknown> | undefined),
          });
          return { id: user.id, email: user.email, name: user.name };
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
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    callbacks: {
      async signIn({ account, profile }) {
        if (!account || account.provider === "credentials") return true;
        // Google says whether the address is verified; GitHub only returns verified primary addresses.
        const verified = account.provider !== "google" || (profile as { email_verified?: boolean } | undefined)?.email_verified === true;
        return verified;
      },
      async jwt({ token, user, account }) {
        if (account && account.provider !== "credentials") {
          const ours = await findOrCreateOAuthUser({ db: getDb(), email: token.email, name: token.name });
          token.uid = ours.id;
        } else if (user) {
          token.uid = user.id;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, userId: typeof token.uid === "string" ? token.uid : undefined };
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
