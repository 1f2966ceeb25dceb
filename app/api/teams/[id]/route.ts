import { getApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { getTeam } from "@/lib/teams/get-team";
import { NO_STORE } from "../team-body";

export const dynamic = "force-dynamic";

/** A team: name, members, scored entries, best score; members also get the open invitations. */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await getApiUser(request, "read");
  // A token never acts as an organizer (docs/api.md): through one, an organizer sees what a participant sees.
  const viewer = user && request.headers.get("authorization") !== null ? { ...user, role: "participant" as const } : user;
  const { id } = await context.params;
  const team = await getTeam({ db: getDb(), teamId: id, viewer });
  return Response.json({ team }, { headers: NO_STORE });
});
