import type { Db } from "../db/client";
import { parseStoredScopes, type ApiScope } from "./api-token-scopes";

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string;
  expired: boolean;
}

/** A user's tokens, newest first, never their secrets (only the hash is stored anyway). */
export async function listApiTokens(options: { db: Db; userId: string; now?: Date }): Promise<ApiTokenView[]> {
  const now = options.now ?? new Date();
  const rows = await options.db.apiToken.findMany({
    where: { userId: options.userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, expiresAt: true, lastUsedAt: true, lastUsedIp: true },
  });
  return rows.map((r) => ({ ...r, scopes: parseStoredScopes(r.scopes), expired: r.expiresAt !== null && r.expiresAt <= now }));
}
