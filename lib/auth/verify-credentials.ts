import type { Db, PublicUser } from "../db/client";
import { AppError } from "../errors/app-error";
import { signInInputSchema } from "./account-schemas";
import { isOrganizerEmail } from "./organizer-emails";
import { dummyPasswordHash, verifyPassword } from "./password";
import { checkSignInThrottle, clearSignInFailures, recordSignInFailure } from "./sign-in-rate-limit";

/**
 * The e-mail + password check behind sign-in. Returns the user, or throws AppError:
 * - "unauthorized" for an unknown address or a wrong password (one message for both, so the
 *   form does not reveal which addresses have accounts);
 * - "quota-exceeded" with retryAfterSeconds when too many attempts failed recently (checked
 *   before the password, so a blocked attacker learns nothing even with the right password).
 * An address listed in ORGANIZER_EMAILS is promoted to organizer on sign-in.
 */
export async function verifyCredentials(options: {
  db: Db;
  email: unknown;
  password: unknown;
  ip?: string | null;
  organizerEmails?: readonly string[];
}): Promise<PublicUser> {
  const { db } = options;
  const parsed = signInInputSchema.safeParse({ email: options.email, password: options.password });
  if (!parsed.success) throw new AppError("unauthorized", { user: "Enter your e-mail address and password." });
  const { email, password } = parsed.data;

  const throttle = await checkSignInThrottle({ db, email, ip: options.ip });
  if (throttle.retryAfterSeconds !== null) {
    const minutes = Math.ceil(throttle.retryAfterSeconds / 60);
    throw new AppError("quota-exceeded", {
      user: `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      retryAfterSeconds: throttle.retryAfterSeconds,
    });
  }

  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const ok = await verifyPassword({ hash: user?.passwordHash ?? (await dummyPasswordHash()), password });
  if (!user || !user.passwordHash || !ok) {
    await recordSignInFailure({ db, email, ip: options.ip });
    throw new AppError("unauthorized", { user: "That e-mail address and password do not match an account." });
  }
  await clearSignInFailures({ db, email });

  const { passwordHash: _omit, ...publicUser } = user;
  if (publicUser.role !== "organizer" && isOrganizerEmail(email, options.organizerEmails)) {
    return db.user.update({ where: { id: user.id }, data: { role: "organizer" } });
  }
  return publicUser;
}
