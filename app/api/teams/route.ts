import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { createTeam } from "@/lib/teams/create-team";
import { listTeams } from "@/lib/teams/list-teams";
import { field, NO_STORE, readTeamBody } from "./team-body";

export const dynamic = "force-dynamic";

/** The active teams with their members (public). */
export const GET = handleRoute(async () => {
  const teams = await listTeams({ db: getDb() });
  return Response.json({ teams }, { headers: NO_STORE });
});

/** Form a team and become its captain: `{ "name": "..." }`. Session or an API token with the submit scope. */
export const POST = handleRoute(async (request: Request) => {
  const user = await requireApiUser(request, "submit");
  const body = await readTeamBody(request);
  const team = await createTeam({ db: getDb(), userId: user.id, name: field(body, "name") });
  return Response.json({ team: { id: team.id, name: team.name } }, { status: 201, headers: NO_STORE });
});
