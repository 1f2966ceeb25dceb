import type { Db, PublicUser } from "../db/client";

/** The organizer account that owns every baseline entry. It has no password: nobody signs in as it. */
export const BASELINE_OWNER_EMAIL = "baselines@tiny-portraits.local";
export const BASELINE_OWNER_NAME = "Baselines";

/**
 * The baseline owner, created on first use. An upsert, so two baseline runs starting at once
 * cannot create it twice (the e-mail is unique); an existing account is promoted to organizer
 * so its submissions are never quota-limited.
 */
export async function ensureBaselineOwner(options: { db: Db }): Promise<PublicUser> {
  return options.db.user.upsert({
    where: { email: BASELINE_OWNER_EMAIL },
    create: { email: BASELINE_OWNER_EMAIL, name: BASELINE_OWNER_NAME, role: "organizer", passwordHash: null },
    update: { role: "organizer" },
  });
}
