import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { listProblemJobs } from "@/lib/organizer/list-problem-jobs";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: stuck and failing jobs (expired leases, repeated attempts, system failures). */
export const GET = handleRoute(async (request: Request) => {
  await requireOrganizerRequest(request);
  return Response.json({ jobs: await listProblemJobs({ db: getDb() }) }, { headers: { "cache-control": "no-store" } });
});
