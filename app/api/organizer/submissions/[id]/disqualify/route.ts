import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { disqualifySubmission } from "@/lib/organizer/disqualify-submission";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: take a submission off the leaderboards. Body `{ reason }` (shown to its owner). */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const input = await readOrganizerActionBody(request);
  const { id } = await context.params;
  const actor = organizerActor(organizer, ip);
  const submission = await disqualifySubmission({ db: getDb(), submissionId: id, input, actor });
  console.info(`[organizer] ${organizer.email} disqualified submission ${id}`);
  return Response.json(
    { id: submission.id, disqualifiedAt: submission.disqualifiedAt, disqualifiedReason: submission.disqualifiedReason },
    { headers: { "cache-control": "no-store" } },
  );
});
