import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { revokeTeamInvite } from "@/lib/teams/revoke-team-invite";
import { NO_STORE } from "../../../team-body";

export const dynamic = "force-dynamic";

/** A member revokes one of the team's open invitations. */
export const DELETE = handleRoute(async (request: Request, context: { params: Promise<{ id: string; inviteId: string }> }) => {
  const user = await requireApiUser(request, "submit");
  const { id, inviteId } = await context.params;
  await revokeTeamInvite({ db: getDb(), userId: user.id, teamId: id, inviteId });
  return Response.json({ revoked: inviteId }, { headers: NO_STORE });
});
