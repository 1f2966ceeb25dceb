import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { reinstateSubmission } from "@/lib/organizer/reinstate-submission";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: undo a disqualification. */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  await readOrganizerActionBody(request);
  const { id } = await context.params;
  const actor = organizerActor(organizer, ip);
  const submission = await reinstateSubmission({ db: getDb(), submissionId: id, actor });
  console.info(`[organizer] ${organizer.email} reinstated submission ${id}`);
  return Response.json({ id: submission.id, disqualifiedAt: null }, { headers: { "cache-control": "no-store" } });
});
