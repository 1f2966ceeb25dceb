import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { openSubmissionFile } from "@/lib/submissions/open-submission-file";
import { submissionFileResponse } from "@/lib/submissions/submission-file-response";

export const dynamic = "force-dynamic";

/** Organizer: the uploaded file of any submission (404 for anyone else); each opening of a participant's file is audited. */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const { id } = await context.params;
  const file = await openSubmissionFile({ db: getDb(), submissionId: id, userId: organizer.id, organizer: organizerActor(organizer, ip) });
  return submissionFileResponse(file);
});
