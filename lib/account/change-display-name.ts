import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { AppError } from "../errors/app-error";
import { displayNameSchema } from "../auth/account-schemas";
import { displayNameKey, isReservedDisplayName } from "../auth/display-name-key";

/**
 * A new display name (shown on the leaderboard), under the sign-up rules: unique ignoring case,
 * width and spacing, no reserved role or baseline words. The database's unique index on nameKey
 * decides races.
 */
export async function changeDisplayName(options: { db: Db; userId: string; name: unknown }): Promise<{ name: string }> {
  const invalid = (message: string) => new AppError("validation", { user: message, details: [{ field: "name", message }] });
  const parsed = displayNameSchema.safeParse(options.name);
  if (!parsed.success) throw invalid(parsed.error.issues[0].message);
  const name = parsed.data;
  const baselines = await options.db.baseline.findMany({ select: { name: true, title: true } });
  if (
    isReservedDisplayName(
      name,
      baselines.flatMap((b) => [b.name, b.title]),
    )
  )
    throw invalid("This name is reserved (it names a role, a baseline or a deleted account). Please choose another.");
  const nameKey = displayNameKey(name);
  const taken = () => invalid("This name is already taken (names are compared ignoring case). Please choose another.");
  const holder = await options.db.user.findUnique({ where: { nameKey }, select: { id: true } });
  if (holder && holder.id !== options.userId) throw taken();
  try {
    await options.db.user.update({ where: { id: options.userId }, data: { name, nameKey } });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
  return { name };
}
