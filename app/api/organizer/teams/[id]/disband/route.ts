import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { disbandTeam } from "@/lib/teams/disband-team";

export const dynamic = "force-dynamic";

/** Organizer: disband a team (audited). Body `{}`. */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  await readOrganizerActionBody(request);
  const { id } = await context.params;
  const result = await disbandTeam({ db: getDb(), teamId: id, organizer, ip });
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
