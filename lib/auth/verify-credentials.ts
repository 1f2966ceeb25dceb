import type { Db, PublicUser } from "../db/client";
import { AppError } from "../errors/app-error";
import { signInInputSchema } from "./account-schemas";
import { formatWait } from "./consume-attempt";
import { earnsOrganizerRole } from "./organizer-emails";
import { dummyPasswordHash, verifyPassword } from "./password";
import { checkSignInThrottle, clearSignInFailures, recordSignInFailure } from "./sign-in-rate-limit";
import { metrics } from "../observability/metrics";

/**
 * The e-mail + password check behind sign-in. Returns the user, or throws AppError:
 * - "unauthorized" for an unknown address or a wrong password (one message for both, so the
 *   form does not reveal which addresses have accounts);
 * - "quota-exceeded" with retryAfterSeconds while this account or client has to wait after
 *   failed attempts (lib/auth/sign-in-rate-limit.ts; checked before the password).
 * A verified address listed in ORGANIZER_EMAILS is promoted to organizer on sign-in.
 *
 * `client` is the throttling key of the client address (lib/http/client-address.ts).
 */
export async function verifyCredentials(options: {
  db: Db;
  email: unknown;
  password: unknown;
  client: string;
  organizerEmails?: readonly string[];
}): Promise<PublicUser> {
  const { db, client } = options;
  const parsed = signInInputSchema.safeParse({ email: options.email, password: options.password });
  if (!parsed.success) throw new AppError("unauthorized", { user: "Enter your e-mail address and password." });
  const { email, password } = parsed.data;

  const throttle = await checkSignInThrottle({ db, email, client });
  if (throttle.retryAfterSeconds !== null) {
    metrics().signInFailures.inc({ reason: "throttled" });
    throw new AppError("quota-exceeded", {
      user: `Too many failed sign-in attempts. Try again in ${formatWait(throttle.retryAfterSeconds)}.`,
      retryAfterSeconds: throttle.retryAfterSeconds,
    });
  }

  const user = await db.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const ok = await verifyPassword({ hash: user?.passwordHash ?? (await dummyPasswordHash()), password });
  if (!user || !user.passwordHash || !ok) {
    await recordSignInFailure({ db, email, client });
    metrics().signInFailures.inc({ reason: "bad-credentials" });
    throw new AppError("unauthorized", { user: "That e-mail address and password do not match an account." });
  }
  await clearSignInFailures({ db, email, client });

  const { passwordHash: _omit, ...publicUser } = user;
  if (earnsOrganizerRole(publicUser, options.organizerEmails)) {
    return db.user.update({ where: { id: user.id }, data: { role: "organizer" } });
  }
  return publicUser;
}
