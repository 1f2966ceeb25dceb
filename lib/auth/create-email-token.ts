import type { Db } from "../db/client";
import type { EmailTokenKind } from "../db/enums";
import { hashToken, newToken } from "./hash-token";

/** How long a link stays valid: a day to confirm an address, an hour to reset a password. */
export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenKind, number> = {
  "verify-email": 24 * 60 * 60 * 1000,
  "reset-password": 60 * 60 * 1000,
};

/**
 * A new single-use link token for a user and address. Only its hash is stored; the token itself
 * goes into the e-mail and nowhere else. Earlier unused tokens of the same kind stop working, so
 * only the latest mail's link counts.
 */
export async function createEmailToken(options: {
  db: Db;
  userId: string;
  kind: EmailTokenKind;
  email: string;
  now?: Date;
}): Promise<string> {
  const now = options.now ?? new Date();
  const token = newToken();
  await options.db.$transaction([
    options.db.emailToken.updateMany({ where: { userId: options.userId, kind: options.kind, usedAt: null }, data: { usedAt: now } }),
    options.db.emailToken.create({
      data: {
        tokenHash: hashToken(token),
        userId: options.userId,
        kind: options.kind,
        email: options.email,
        expiresAt: new Date(now.getTime() + EMAIL_TOKEN_TTL_MS[options.kind]),
      },
    }),
  ]);
  return token;
}
