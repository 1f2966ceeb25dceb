import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { passwordSchema } from "./account-schemas";
import { checkPasswordStrength } from "./check-password-strength";
import { endAllSessions } from "./end-sessions";
import { hashPassword, verifyPassword } from "./password";

/**
 * A signed-in user's new password: the current one is required, the new one must be hard to
 * guess, and every other session of the account ends (the one given keeps going).
 */
export async function changePassword(options: {
  db: Db;
  userId: string;
  currentPassword: unknown;
  newPassword: unknown;
  keepSessionToken?: string | null;
}): Promise<{ endedSessions: number }> {
  const { db } = options;
  const user = await db.user.findUniqueOrThrow({ where: { id: options.userId }, omit: { passwordHash: false } });
  const current = typeof options.currentPassword === "string" ? options.currentPassword : "";
  if (!user.passwordHash || !(await verifyPassword({ hash: user.passwordHash, password: current }))) {
    throw new AppError("validation", {
      user: "Your current password is not right.",
      details: [{ field: "currentPassword", message: "does not match" }],
    });
  }
  const parsed = passwordSchema.safeParse(options.newPassword);
  if (!parsed.success)
    throw new AppError("validation", {
      user: parsed.error.issues[0].message,
      details: [{ field: "newPassword", message: parsed.error.issues[0].message }],
    });
  const strength = checkPasswordStrength({ password: parsed.data, userInputs: [user.name, user.email] });
  if (!strength.ok)
    throw new AppError("validation", { user: strength.message, details: [{ field: "newPassword", message: strength.message }] });
  await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(parsed.data) } });
  return { endedSessions: await endAllSessions({ db, userId: user.id, exceptToken: options.keepSessionToken }) };
}
