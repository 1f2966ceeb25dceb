import type { Db } from "../db/client";
import type { EmailTokenKind } from "../db/enums";
import { AppError } from "../errors/app-error";
import { hashToken } from "./hash-token";

/**
 * Uses up a link token: the one conditional update marks it used only if it is of this kind,
 * unused and not expired, so two clicks at once cannot both succeed. Returns the user and the
 * address the link was sent to; AppError "validation" for anything else (one message: which
 * reason it was helps nobody but a guesser).
 */
export async function consumeEmailToken(options: {
  db: Db;
  token: unknown;
  kind: EmailTokenKind;
  now?: Date;
}): Promise<{ userId: string; email: string }> {
  const now = options.now ?? new Date();
  const invalid = new AppError("validation", {
    user: "This link is not valid any more: it was used already, has expired or was replaced by a newer one. Ask for a new one.",
  });
  if (typeof options.token !== "string" || options.token.length < 20 || options.token.length > 200) throw invalid;
  const tokenHash = hashToken(options.token);
  const { count } = await options.db.emailToken.updateMany({
    where: { tokenHash, kind: options.kind, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count !== 1) throw invalid;
  const row = await options.db.emailToken.findUniqueOrThrow({ where: { tokenHash }, select: { userId: true, email: true } });
  return row;
}
