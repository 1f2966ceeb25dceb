import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { listDownloadLogs } from "@/lib/organizer/list-download-logs";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: the download audit trail, newest first. `?limit=N` (at most 500). */
export const GET = handleRoute(async (request: Request) => {
  await requireOrganizerRequest(request);
  const limit = Number(new URL(request.url).searchParams.get("limit") ?? 50) || 50;
  const downloads = await listDownloadLogs({ db: getDb(), limit });
  return Response.json({ downloads }, { headers: { "cache-control": "no-store" } });
});
