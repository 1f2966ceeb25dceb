import { getDb } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { formatClientAddress, readClientAddress } from "../http/client-address";
import type { ApiScope } from "./api-token-scopes";
import { getCurrentUser, type CurrentUser } from "./get-current-user";
import { resolveApiToken } from "./resolve-api-token";

/**
 * The one place where personal API tokens are accepted. Only the participant API's route
 * handlers call it (submissions, final picks, downloads, leaderboard); pages, server actions,
 * the account and token routes and the organizer routes use getCurrentUser/requireUser, which
 * read the session cookie only, so a token cannot change a password, mint tokens or act as an
 * organizer, whatever it is sent to.
 *
 * With an Authorization header the token decides (and a bad one is refused, never ignored:
 * a script learns its token is wrong rather than being served as an anonymous visitor); without
 * one, the browser session. Either way the same user object reaches the same operations.
 */
export async function getApiUser(request: Request, scope: ApiScope): Promise<CurrentUser | null> {
  if (request.headers.get("authorization") === null) return getCurrentUser();
  return getApiTokenUser(request, scope);
}

/**
 * For public routes (the leaderboard): the user of the request's API token, null without an
 * Authorization header (the session cookie is not read). A bad token is still refused and every
 * use counts against its rate limit, as on the other participant routes.
 */
export async function getApiTokenUser(request: Request, scope: ApiScope): Promise<CurrentUser | null> {
  const authorization = request.headers.get("authorization");
  if (authorization === null) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (!match) throw new AppError("unauthorized", { user: 'Send your API token as "Authorization: Bearer tp_...".' });
  const config = env();
  return resolveApiToken({
    db: getDb(),
    token: match[1],
    scope,
    ratePerMinute: config.API_TOKEN_REQUESTS_PER_MINUTE,
    client: formatClientAddress(readClientAddress(request.headers)),
  });
}

/** getApiUser, or AppError "unauthorized" (401) when there is neither a session nor a token. */
export async function requireApiUser(request: Request, scope: ApiScope): Promise<CurrentUser> {
  const user = await getApiUser(request, scope);
  if (!user)
    throw new AppError("unauthorized", { user: "Please sign in first, or send a personal API token (Authorization: Bearer tp_...)." });
  return user;
}
