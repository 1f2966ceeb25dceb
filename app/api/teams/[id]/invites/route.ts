import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { createTeamInvite } from "@/lib/teams/create-team-invite";
import { NO_STORE, readTeamBody } from "../../team-body";

export const dynamic = "force-dynamic";

/**
 * A member invites someone: `{}` answers a link (shown only in this response), `{ "email": "..." }`
 * mails it to that address. Anyone outside the team gets 404.
 */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(request, "submit");
  const input = await readTeamBody(request);
  const { id } = await context.params;
  const created = await createTeamInvite({ db: getDb(), userId: user.id, teamId: id, input });
  return Response.json(
    { invite: created.invite, link: created.link, emailed: created.delivery !== null },
    { status: 201, headers: NO_STORE },
  );
});
