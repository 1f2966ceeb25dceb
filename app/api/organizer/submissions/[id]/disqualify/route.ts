import { organizerActor } from "@/lib/audit/audit-actor";
import { requireOrganizer } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { formatClientAddress, readClientAddress } from "@/lib/http/client-address";
import { handleRoute } from "@/lib/http/handle-route";
import { disqualifySubmission } from "@/lib/organizer/disqualify-submission";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";

export const dynamic = "force-dynamic";

/** Organizer: take a submission off the leaderboards. Body `{ reason }` (shown to its owner). */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const organizer = await requireOrganizer();
  const input = await readOrganizerActionBody(request);
  const { id } = await context.params;
  const actor = organizerActor(organizer, formatClientAddress(readClientAddress(request.headers)));
  const submission = await disqualifySubmission({ db: getDb(), submissionId: id, input, actor });
  console.info(`[organizer] ${organizer.email} disqualified submission ${id}`);
  return Response.json(
    { id: submission.id, disqualifiedAt: submission.disqualifiedAt, disqualifiedReason: submission.disqualifiedReason },
    { headers: { "cache-control": "no-store" } },
  );
});
