import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { handleRoute } from "@/lib/http/handle-route";
import { acceptTeamInvite } from "@/lib/teams/accept-team-invite";
import { previewTeamInvite } from "@/lib/teams/preview-team-invite";
import { field, NO_STORE, readTeamBody } from "../team-body";

export const dynamic = "force-dynamic";

/**
 * Accept an invitation: `{ "token": "..." }` (the last part of the link). With `"preview": true`
 * nothing changes: the answer says whether it would join or merge, with the numbers, or why not.
 */
export const POST = handleRoute(async (request: Request) => {
  const user = await requireApiUser(request, "submit");
  const body = await readTeamBody(request);
  const token = field(body, "token");
  if (typeof token !== "string" || token.length === 0) {
    throw new AppError("validation", { user: "Send the invitation token.", details: [{ field: "token", message: "required" }] });
  }
  if (field(body, "preview") === true) {
    return Response.json(await previewTeamInvite({ db: getDb(), userId: user.id, token }), { headers: NO_STORE });
  }
  const result = await acceptTeamInvite({ db: getDb(), userId: user.id, token });
  return Response.json(
    {
      team: { id: result.plan.team.id, name: result.plan.team.name },
      kind: result.plan.kind,
      moved: result.moved,
      picksDropped: result.picksDropped,
    },
    { headers: NO_STORE },
  );
});
