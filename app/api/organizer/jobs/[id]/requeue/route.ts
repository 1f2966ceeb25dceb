import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requeueJob } from "@/lib/organizer/requeue-job";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: put a stuck or failed job back in the queue (409 while a worker holds a live lease on it). */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  await readOrganizerActionBody(request);
  const { id } = await context.params;
  const job = await requeueJob({ db: getDb(), jobId: id, actor: organizerActor(organizer, ip) });
  return Response.json({ jobId: job.id, status: job.status }, { headers: { "cache-control": "no-store" } });
});
