import type { Db, PublicUser } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { AppError } from "../errors/app-error";
import { displayNameSchema, emailSchema } from "./account-schemas";
import { isOrganizerEmail } from "./organizer-emails";

/**
 * The account of someone signing in with an OAuth provider, matched by verified e-mail address
 * (so an e-mail account and a GitHub login of the same address are one participant), created
 * on first sign-in without a password.
 */
export async function findOrCreateOAuthUser(options: {
  db: Db;
  email: string | null | undefined;
  name: string | null | undefined;
  organizerEmails?: readonly string[];
}): Promise<PublicUser> {
  const email = emailSchema.safeParse(options.email ?? "");
  if (!email.success) throw new AppError("unauthorized", { user: "Your provider did not share a verified e-mail address." });
  const role = isOrganizerEmail(email.data, options.organizerEmails) ? "organizer" : "participant";
  const existing = await options.db.user.findUnique({ where: { email: email.data } });
  if (existing) {
    return role === "organizer" && existing.role !== "organizer"
      ? options.db.user.update({ where: { id: existing.id }, data: { role } })
      : existing;
  }
  const name = displayNameSchema.safeParse(options.name ?? "");
  try {
    return await options.db.user.create({
      data: { email: email.data, name: name.success ? name.data : email.data.split("@")[0].slice(0, 60), role },
    });
  } catch (error) {
    // Two first sign-ins at once: the other request created it.
    if (isUniqueViolation(error)) return options.db.user.findUniqueOrThrow({ where: { email: email.data } });
    throw error;
  }
}
