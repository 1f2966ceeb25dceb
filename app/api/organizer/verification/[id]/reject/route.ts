import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { rejectVerification } from "@/lib/verification/reject-verification";

export const dynamic = "force-dynamic";

/** Organizer: close a verification as rejected. Body `{ reason }` (shown to the participant). */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const input = await readOrganizerActionBody(request);
  const { id } = await context.params;
  const v = await rejectVerification({ db: getDb(), verificationId: id, input, actor: organizerActor(organizer, ip) });
  return Response.json({ id: v.id, status: v.status }, { headers: { "cache-control": "no-store" } });
});
