import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { getEntryRules } from "../entry-rules/get-entry-rules";
import { checkInvitationCode, redeemInvitationCode } from "../entry-rules/redeem-invitation-code";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import type { MailSettings } from "../mail/send-mail";
import { signUpInputSchema, type SignUpInput } from "./account-schemas";
import { checkPasswordStrength } from "./check-password-strength";
import { consumeAttempt } from "./consume-attempt";
import { displayNameKey, isReservedDisplayName } from "./display-name-key";
import { isEmailDomainAllowed } from "./email-domain-allowed";
import { hashPassword } from "./password";
import { sendAccountMail } from "./send-account-mail";

export interface SignUpResult {
  /** The address the confirmation went to (or, when it already had an account, the notice). */
  email: string;
}

function invalid(field: string, message: string): AppError {
  return new AppError("validation", { user: "Some fields need another look.", details: [{ field, message }] });
}

/**
 * Creates an e-mail + password account, unconfirmed, and mails a confirmation link. The answer
 * is the same whether the address already has an account or not: then no account is created
 * and its owner gets a mail saying someone tried (with a link to set a new password), so the
 * form reveals nothing about who is registered.
 *
 * Refused (AppError "validation", one detail per field): bad fields, a domain the organizers do
 * not accept (lib/entry-rules/get-entry-rules.ts), in invitation-only mode a missing, unknown,
 * revoked, expired or used-up invitation code, a name that is taken (any case or spacing) or
 * reserved, a password that is easy to guess. The code's use is counted in the transaction that
 * creates the account (a sign-up that finds an existing account uses nothing). "quota-exceeded": too many sign-ups from this client, or on the whole site, this hour.
 * No role comes with it: ORGANIZER_EMAILS counts once the address is confirmed.
 */
export async function signUp(options: {
  db: Db;
  input: SignUpInput;
  /** The invitation code typed in the form; required when the entry rules are invitation-only. */
  invitationCode?: string;
  /** Throttling key of the client address (lib/http/client-address.ts). */
  client: string;
  publicUrl?: string;
  mailSettings?: MailSettings;
  limits?: { perClientPerHour?: number; globalPerHour?: number; allowedDomains?: readonly string[]; blockedDomains?: readonly string[] };
}): Promise<SignUpResult> {
  const { db } = options;
  const parsed = signUpInputSchema.safeParse(options.input);
  if (!parsed.success) {
    throw new AppError("validation", { user: "Some fields need another look.", details: zodDetails(parsed.error) });
  }
  const { name, email, password } = parsed.data;
  const limits = options.limits ?? {};
  const rules = await getEntryRules({ db });
  if (
    !isEmailDomainAllowed(email, {
      allowed: limits.allowedDomains ?? rules.allowedDomains,
      blocked: limits.blockedDomains ?? rules.blockedDomains,
    })
  ) {
    throw invalid("email", "Sign-up is not open to addresses at this domain. Please use another address.");
  }
  if (rules.invitationOnly) await checkInvitationCode({ db, code: options.invitationCode });
  if (isReservedDisplayName(name)) throw invalid("name", "This name is reserved (it names a role or a baseline). Please choose another.");
  const strength = checkPasswordStrength({ password, userInputs: [name, email] });
  if (!strength.ok) throw invalid("password", strength.message);

  // Counted after the cheap checks, so a typo does not use up a sign-up.
  const message = "Too many accounts were created from here recently.";
  await consumeAttempt({
    db,
    prefix: "signup-client",
    key: options.client,
    points: limits.perClientPerHour ?? env().SIGNUP_PER_CLIENT_PER_HOUR,
    durationSeconds: 3600,
    message,
  });
  await consumeAttempt({
    db,
    prefix: "signup-all",
    key: "all",
    points: limits.globalPerHour ?? env().SIGNUP_GLOBAL_PER_HOUR,
    durationSeconds: 3600,
    message: "Too many accounts are being created right now.",
  });

  // Names are public: saying one is taken reveals nothing. Checked before the address, for
  // both outcomes alike, so the answer to a taken name cannot tell whether the address exists.
  const nameKey = displayNameKey(name);
  const nameTaken = () => invalid("name", "This name is already taken (names are compared ignoring case). Please choose another.");
  if (await db.user.findUnique({ where: { nameKey }, select: { id: true } })) throw nameTaken();

  // Hashed in both outcomes, so they take about as long.
  const passwordHash = await hashPassword(password);
  const existing = await db.user.findUnique({ where: { email }, select: { id: true, name: true } });
  if (existing) {
    await notify(() =>
      sendAccountMail({
        db,
        mail: "sign-up-attempt",
        user: existing,
        email,
        publicUrl: options.publicUrl,
        mailSettings: options.mailSettings,
      }),
    );
    return { email };
  }
  let user: { id: string; name: string };
  try {
    const data = { name, nameKey, email, passwordHash, role: "participant" };
    const select = { id: true, name: true } as const;
    user = rules.invitationOnly
      ? await db.$transaction(async (tx) => {
          const invitationCodeId = await redeemInvitationCode({ tx, code: options.invitationCode });
          return tx.user.create({ data: { ...data, invitationCodeId }, select });
        })
      : await db.user.create({ data, select });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // A race: the same name or the same address was registered a moment ago.
    if (await db.user.findUnique({ where: { nameKey }, select: { id: true } })) throw nameTaken();
    return { email };
  }
  await notify(() =>
    sendAccountMail({ db, mail: "verify-email", user, email, publicUrl: options.publicUrl, mailSettings: options.mailSettings }),
  );
  return { email };
}

/** A mail server that is down must not change the answer (or lose the account): the mail can be sent again. */
async function notify(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    console.error("[sign-up] mail not sent", error);
  }
}
