import { z } from "zod";

/**
 * What a personal API token may do. `read`: the user's submissions, the dataset downloads, the
 * leaderboard. `submit`: uploads and final picks. Account and token management is never a scope:
 * a leaked token must not be able to change the password or mint more tokens.
 */
export const API_SCOPES = ["read", "submit"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Every token starts with this, so secret scanners and people can recognise one. */
export const API_TOKEN_PREFIX = "tp_";
/** How many characters of a token are kept in clear for display ("tp_AbC12345"). */
export const API_TOKEN_DISPLAY_CHARS = 11;

export const apiScopesSchema = z
  .array(z.enum(API_SCOPES))
  .min(1, "Choose at least one scope.")
  .transform((scopes) => API_SCOPES.filter((s) => scopes.includes(s)));

export function parseStoredScopes(stored: string): ApiScope[] {
  return API_SCOPES.filter((s) => stored.split(",").includes(s));
}
