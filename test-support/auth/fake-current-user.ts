/**
 * A stand-in for lib/auth/get-current-user in route tests, which call handlers without a request
 * cookie: the signed-in user is whoever the test puts in `session.user`. The guards throw the
 * same AppErrors as the real ones, so the routes' 401/403 answers are the real mapping.
 *
 *   vi.mock("@/lib/auth/get-current-user", () => import("../test-support/auth/fake-current-user"));
 *   import { session } from "../test-support/auth/fake-current-user";
 */
import type { CurrentUser } from "../../lib/auth/get-current-user";
import { AppError } from "../../lib/errors/app-error";

export const session: { user: CurrentUser | null } = { user: null };

export async function getCurrentUser(): Promise<CurrentUser | null> {
  return session.user;
}

export async function requireUser(): Promise<CurrentUser> {
  if (!session.user) throw new AppError("unauthorized", { user: "Please sign in first." });
  return session.user;
}

export async function requireOrganizer(): Promise<CurrentUser> {
  const user = await requireUser();
  if (user.role !== "organizer") throw new AppError("forbidden", { user: "This page is for the challenge organizers." });
  return user;
}
