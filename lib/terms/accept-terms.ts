import { z } from "zod";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { AppError } from "../errors/app-error";
import { CURRENT_TERMS } from "./terms-document";

/** What the accept form sends. `agree` is the checkbox: browsers send "on" when it is ticked. */
export const acceptTermsInputSchema = z.object({
  version: z.string().min(1).max(40),
  agree: z.literal("on", { error: "Tick the box to confirm that you agree to the terms." }),
});
export type AcceptTermsInput = z.infer<typeof acceptTermsInputSchema>;

export interface AcceptTermsOptions {
  db: Db;
  userId: string;
  /** The version the user was shown. Must be the current one. */
  version: string;
  /** Client address chain (see lib/downloads/read-client-info.ts), or null. */
  ip: string | null;
  /** Tests of a version change only. */
  currentVersion?: string;
}

/**
 * Records that a user accepted a version of the dataset terms. Only the current version can be
 * accepted: a page left open across a change of the terms must not count as accepting a text
 * the user never saw. Idempotent: accepting twice keeps the first time and IP address.
 */
export async function acceptTerms(options: AcceptTermsOptions): Promise<{ version: string; acceptedAt: Date }> {
  const { db, userId, version, ip, currentVersion = CURRENT_TERMS.version } = options;
  if (version !== currentVersion) {
    throw new AppError("validation", {
      user: "The terms changed while you were reading them. Please read the current version and accept it again.",
      internal: `accept of terms ${version}, current is ${currentVersion}`,
      details: [{ field: "version", message: `The current version is ${currentVersion}.` }],
    });
  }
  const where = { userId_termsVersion: { userId, termsVersion: version } };
  try {
    const row = await db.termsAcceptance.upsert({
      where,
      create: { userId, termsVersion: version, ip: ip?.slice(0, 200) ?? null },
      update: {},
    });
    return { version: row.termsVersion, acceptedAt: row.acceptedAt };
  } catch (error) {
    // Two submits at once (a double click): both upserts may try the insert; one wins.
    if (!isUniqueViolation(error)) throw error;
    const row = await db.termsAcceptance.findUniqueOrThrow({ where });
    return { version: row.termsVersion, acceptedAt: row.acceptedAt };
  }
}
