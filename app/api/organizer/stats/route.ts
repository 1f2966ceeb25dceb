import { requireOrganizer } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { getOrganizerStats } from "@/lib/organizer/get-organizer-stats";

export const dynamic = "force-dynamic";

/** Organizer: dashboard counts (participants, today's submissions, the scoring queue). */
export const GET = handleRoute(async () => {
  await requireOrganizer();
  const stats = await getOrganizerStats({ db: getDb() });
  return Response.json(stats, { headers: { "cache-control": "no-store" } });
});
