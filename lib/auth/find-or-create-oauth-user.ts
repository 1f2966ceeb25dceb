import { randomBytes } from "node:crypto";
import type { Db, PublicUser } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { getEntryRules } from "../entry-rules/get-entry-rules";
import { AppError } from "../errors/app-error";
import { displayNameSchema, emailSchema } from "./account-schemas";
import { displayNameKey, isReservedDisplayName } from "./display-name-key";
import { isEmailDomainAllowed } from "./email-domain-allowed";
import { endAllSessions } from "./end-sessions";
import { isOrganizerEmail } from "./organizer-emails";

/**
 * The account of someone signing in with an OAuth provider. Only a provider that vouches for the
 * address (`emailVerified`) is matched to an account by e-mail: anyone can type an address into
 * our sign-up form, nobody can make GitHub or Google verify it. Linking confirms the account's
 * address, and when it was not confirmed before, the password someone set without proving the
 * address is removed and their sessions end. New accounts are created without a password, and
 * only under the entry rules (lib/entry-rules/get-entry-rules.ts): the domain must be accepted,
 * and in invitation-only mode a provider cannot create an account at all (there is no form on
 * the provider's round trip to carry a code): people sign up with their code on the sign-up page,
 * after which the provider signs in to that account by its verified address. Addresses in
 * ORGANIZER_EMAILS are exempt from both, so organizers are never locked out.
 */
export async function findOrCreateOAuthUser(options: {
  db: Db;
  email: string | null | undefined;
  emailVerified: boolean;
  name: string | null | undefined;
  organizerEmails?: readonly string[];
  now?: Date;
}): Promise<PublicUser> {
  const { db } = options;
  const now = options.now ?? new Date();
  const email = emailSchema.safeParse(options.email ?? "");
  if (!email.success || !options.emailVerified) {
    throw new AppError("unauthorized", { user: "Your provider did not share a verified e-mail address." });
  }
  const organizer = isOrganizerEmail(email.data, options.organizerEmails);
  const existing = await db.user.findUnique({ where: { email: email.data } });
  if (existing) {
    const unproved = existing.emailVerifiedAt === null;
    const updated = await db.user.update({
      where: { id: existing.id },
      data: {
        emailVerifiedAt: existing.emailVerifiedAt ?? now,
        ...(unproved ? { passwordHash: null } : {}),
        ...(organizer ? { role: "organizer" } : {}),
      },
    });
    if (unproved) await endAllSessions({ db, userId: existing.id });
    return updated;
  }
  if (!organizer) {
    const rules = await getEntryRules({ db });
    if (!isEmailDomainAllowed(email.data, { allowed: rules.allowedDomains, blocked: rules.blockedDomains }))
      throw new AppError("forbidden", { user: "Sign-up is not open to addresses at this domain." });
    if (rules.invitationOnly)
      throw new AppError("forbidden", {
        user: "This challenge is by invitation only: create your account on the sign-up page with your invitation code first.",
      });
  }
  const wanted = displayNameSchema.safeParse(options.name ?? "");
  const base = wanted.success && !isReservedDisplayName(wanted.data) ? wanted.data : email.data.split("@")[0].slice(0, 50);
  for (let attempt = 0; attempt < 5; attempt++) {
    // A taken (or reserved) name gets a short random suffix; the user can rename later.
    const name = attempt === 0 && !isReservedDisplayName(base) ? base : `${base.slice(0, 50)}-${randomBytes(2).toString("hex")}`;
    try {
      return await db.user.create({
        data: {
          email: email.data,
          name,
          nameKey: displayNameKey(name),
          emailVerifiedAt: now,
          role: organizer ? "organizer" : "participant",
        },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Two first sign-ins at once: the other request created it.
      const created = await db.user.findUnique({ where: { email: email.data } });
      if (created) return created;
    }
  }
  throw new AppError("conflict", { user: "Could not find a free display name. Please try again." });
}
