import "server-only";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { getDb } from "../db/client";
import type { UserRole } from "../db/enums";
import { AppError } from "../errors/app-error";
import { getAuthOptions } from "./auth-options";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
}

/**
 * The signed-in user of this request (pages, route handlers, server actions), or null. Read
 * from the database once per request (React cache), so a deleted account is signed out at once.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = (await getServerSession(getAuthOptions())) as { userId?: string } | null;
  if (!session?.userId) return null;
  const user = await getDb().user.findUnique({
    where: { id: session.userId },
    select: { id: true, email: true, name: true, role: true },
  });
  return user ? { ...user, role: user.role as UserRole } : null;
});

/** For route handlers and actions: the user, or AppError "unauthorized" (401). */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthorized", { user: "Please sign in first." });
  return user;
}

/** For organizer-only routes: 401 when signed out, 403 for participants. */
export async function requireOrganizer(): Promise<CurrentUser> {
  const user = await requireUser();
  if (user.role !== "organizer") throw new AppError("forbidden", { user: "This page is for the challenge organizers." });
  return user;
}
