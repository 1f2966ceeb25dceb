import { organizerActor } from "@/lib/audit/audit-actor";
import { requireOrganizer } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { formatClientAddress, readClientAddress } from "@/lib/http/client-address";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { reinstateSubmission } from "@/lib/organizer/reinstate-submission";

export const dynamic = "force-dynamic";

/** Organizer: undo a disqualification. */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const organizer = await requireOrganizer();
  await readOrganizerActionBody(request);
  const { id } = await context.params;
  const actor = organizerActor(organizer, formatClientAddress(readClientAddress(request.headers)));
  const submission = await reinstateSubmission({ db: getDb(), submissionId: id, actor });
  console.info(`[organizer] ${organizer.email} reinstated submission ${id}`);
  return Response.json({ id: submission.id, disqualifiedAt: null }, { headers: { "cache-control": "no-store" } });
});
