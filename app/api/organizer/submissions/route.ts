import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { zodDetails } from "@/lib/errors/zod-details";
import { handleRoute } from "@/lib/http/handle-route";
import { ListRecentSubmissionsQuery, listRecentSubmissions } from "@/lib/organizer/list-recent-submissions";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: everyone's latest submissions. `?status=queued|running|scored|failed&limit=N`. */
export const GET = handleRoute(async (request: Request) => {
  await requireOrganizerRequest(request);
  const parsed = ListRecentSubmissionsQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new AppError("validation", { user: "Unknown filter.", details: zodDetails(parsed.error) });
  const submissions = await listRecentSubmissions({ db: getDb(), query: parsed.data });
  return Response.json({ submissions }, { headers: { "cache-control": "no-store" } });
});
