import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { getOrganizerStats } from "@/lib/organizer/get-organizer-stats";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: dashboard counts (participants, today's submissions, the scoring queue). 404 for anyone else. */
export const GET = handleRoute(async (request: Request) => {
  await requireOrganizerRequest(request);
  const stats = await getOrganizerStats({ db: getDb() });
  return Response.json(stats, { headers: { "cache-control": "no-store" } });
});
