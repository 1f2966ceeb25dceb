import type { Db, PublicUser } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { AppError } from "../errors/app-error";
import { signUpInputSchema, type SignUpInput } from "./account-schemas";
import { zodDetails } from "../errors/zod-details";
import { isOrganizerEmail } from "./organizer-emails";
import { hashPassword } from "./password";

/**
 * Creates an e-mail + password account. The organizer role comes from ORGANIZER_EMAILS (or
 * `npm run users -- promote`). Errors (AppError): validation with one detail per field;
 * conflict when the address already has an account.
 */
export async function signUp(options: { db: Db; input: SignUpInput; organizerEmails?: readonly string[] }): Promise<PublicUser> {
  const parsed = signUpInputSchema.safeParse(options.input);
  if (!parsed.success) {
    throw new AppError("validation", { user: "Some fields need another look.", details: zodDetails(parsed.error) });
  }
  const { name, email, password } = parsed.data;
  const passwordHash = await hashPassword(password);
  try {
    return await options.db.user.create({
      data: { name, email, passwordHash, role: isOrganizerEmail(email, options.organizerEmails) ? "organizer" : "participant" },
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("conflict", {
        user: "An account with this e-mail address already exists. Sign in instead.",
        details: [{ field: "email", message: "already registered" }],
      });
    }
    throw error;
  }
}
