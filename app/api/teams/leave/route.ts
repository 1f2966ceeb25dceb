import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { leaveTeam } from "@/lib/teams/leave-team";
import { NO_STORE, readTeamBody } from "../team-body";

export const dynamic = "force-dynamic";

/** Leave one's team (a captain hands over to the oldest member; the last one out disbands it). Body `{}`. */
export const POST = handleRoute(async (request: Request) => {
  const user = await requireApiUser(request, "submit");
  await readTeamBody(request);
  const result = await leaveTeam({ db: getDb(), userId: user.id });
  return Response.json(result, { headers: NO_STORE });
});
