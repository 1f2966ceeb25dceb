import "server-only";
import { notFound, redirect } from "next/navigation";
import { getCurrentUser, type CurrentUser } from "./get-current-user";

/**
 * For pages: the signed-in user, or a redirect to the sign-in page that comes back to `path`
 * afterwards. `path` is the page's own path (a relative URL, never taken from the request).
 */
export async function requirePageUser(path: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
  return user;
}

/** For organizer pages: participants get a plain 404 (the page does not exist for them). */
export async function requirePageOrganizer(path: string): Promise<CurrentUser> {
  const user = await requirePageUser(path);
  if (user.role !== "organizer") notFound();
  return user;
}
