import "server-only";
import { getCurrentUser, type CurrentUser } from "../auth/get-current-user";
import { AppError } from "../errors/app-error";
import { formatClientAddress, readClientAddress } from "../http/client-address";

/**
 * For the organizer console's newer routes (participants, exports, files): the signed-in
 * organizer, or a plain 404 for everyone else (visitors, participants), so the routes do not
 * even show they exist. Only the session cookie is read (getCurrentUser): an API token, even an
 * organizer's, never reaches these routes.
 */
export async function requireOrganizerRequest(request: Request): Promise<{ organizer: CurrentUser; ip: string }> {
  const user = await getCurrentUser();
  if (!user || user.role !== "organizer")
    throw new AppError("not-found", {
      user: "Not found.",
      internal: `organizer route refused to ${user ? `user ${user.id}` : "a visitor"}`,
    });
  return { organizer: user, ip: formatClientAddress(readClientAddress(request.headers)) };
}
