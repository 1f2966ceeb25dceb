import type { Db } from "../db/client";
import { CURRENT_TERMS } from "./terms-document";

export interface TermsStatus {
  /** The version a participant must have accepted to download. */
  currentVersion: string;
  acceptedCurrent: boolean;
  /** When the current version was accepted. */
  acceptedAt: Date | null;
  /**
   * The latest other version this user accepted, when they have not accepted the current one:
   * lets the page say "the terms changed" rather than "accept the terms".
   */
  previousVersion: string | null;
}

/**
 * Whether a user accepted the current dataset terms. `currentVersion` is for tests of a version
 * change; the application always uses CURRENT_TERMS.version.
 */
export async function getTermsStatus(options: { db: Db; userId: string; currentVersion?: string }): Promise<TermsStatus> {
  const { db, userId, currentVersion = CURRENT_TERMS.version } = options;
  const acceptances = await db.termsAcceptance.findMany({
    where: { userId },
    select: { termsVersion: true, acceptedAt: true },
    orderBy: { acceptedAt: "desc" },
  });
  const current = acceptances.find((a) => a.termsVersion === currentVersion);
  return {
    currentVersion,
    acceptedCurrent: current !== undefined,
    acceptedAt: current?.acceptedAt ?? null,
    previousVersion: current ? null : (acceptances[0]?.termsVersion ?? null),
  };
}
