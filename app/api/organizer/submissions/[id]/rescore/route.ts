import { organizerActor } from "@/lib/audit/audit-actor";
import { requireOrganizer } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { formatClientAddress, readClientAddress } from "@/lib/http/client-address";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { rescoreSubmission } from "@/lib/organizer/rescore-submission";

export const dynamic = "force-dynamic";

/** Organizer: queue the submission for scoring again. 202; a pending job is returned, not doubled. */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const organizer = await requireOrganizer();
  await readOrganizerActionBody(request);
  const { id } = await context.params;
  const { job, alreadyPending } = await rescoreSubmission({
    db: getDb(),
    submissionId: id,
    actor: organizerActor(organizer, formatClientAddress(readClientAddress(request.headers))),
  });
  return Response.json({ jobId: job.id, status: job.status, alreadyPending }, { status: 202, headers: { "cache-control": "no-store" } });
});
