import { z } from "zod";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { API_TOKEN_DISPLAY_CHARS, API_TOKEN_PREFIX, apiScopesSchema, type ApiScope } from "./api-token-scopes";
import { hashToken, newToken } from "./hash-token";

/** More than this is a sign of a script minting tokens, not a person naming them. */
export const MAX_API_TOKENS_PER_USER = 20;

const inputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Give the token a name, e.g. the machine it is for.")
    .max(60, "Use at most 60 characters.")
    .refine((v) => !/[<>\u0000-\u001f]/.test(v), "Angle brackets and control characters are not allowed."),
  scopes: apiScopesSchema,
  /** Days until it stops working; absent or null: until revoked. */
  expiresInDays: z.number().int().min(1, "At least one day.").max(366, "At most a year.").nullish(),
});
export type CreateApiTokenInput = z.input<typeof inputSchema>;

export interface CreatedApiToken {
  /** The secret, shown once: only its hash is stored. */
  token: string;
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  expiresAt: Date | null;
}

/** A new personal API token for a signed-in user (the account page). */
export async function createApiToken(options: { db: Db; userId: string; input: unknown; now?: Date }): Promise<CreatedApiToken> {
  const parsed = inputSchema.safeParse(options.input);
  if (!parsed.success) throw new AppError("validation", { user: parsed.error.issues[0].message, details: zodDetails(parsed.error) });
  const { name, scopes, expiresInDays } = parsed.data;
  const now = options.now ?? new Date();
  const count = await options.db.apiToken.count({ where: { userId: options.userId } });
  if (count >= MAX_API_TOKENS_PER_USER) {
    throw new AppError("conflict", { user: `You have ${count} tokens already; revoke one you no longer use first.` });
  }
  const token = API_TOKEN_PREFIX + newToken();
  const expiresAt = expiresInDays ? new Date(now.getTime() + expiresInDays * 24 * 3600_000) : null;
  const row = await options.db.apiToken.create({
    data: {
      userId: options.userId,
      name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, API_TOKEN_DISPLAY_CHARS),
      scopes: scopes.join(","),
      expiresAt,
      createdAt: now,
    },
    select: { id: true },
  });
  return { token, id: row.id, name, prefix: token.slice(0, API_TOKEN_DISPLAY_CHARS), scopes, expiresAt };
}
