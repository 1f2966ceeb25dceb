import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { rescoreSubmission } from "@/lib/organizer/rescore-submission";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: queue the submission for scoring again. 202; a pending job is returned, not doubled. */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  await readOrganizerActionBody(request);
  const { id } = await context.params;
  const { job, alreadyPending } = await rescoreSubmission({
    db: getDb(),
    submissionId: id,
    actor: organizerActor(organizer, ip),
  });
  return Response.json({ jobId: job.id, status: job.status, alreadyPending }, { status: 202, headers: { "cache-control": "no-store" } });
});
