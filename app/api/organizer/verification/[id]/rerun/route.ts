import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { rerunVerification } from "@/lib/verification/rerun-verification";

export const dynamic = "force-dynamic";

/** Organizer: queue the rerun of the uploaded model (202; 409 when not uploaded yet or a rerun is pending). */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  await readOrganizerActionBody(request);
  const { id } = await context.params;
  const v = await rerunVerification({ db: getDb(), verificationId: id, actor: organizerActor(organizer, ip) });
  return Response.json({ id: v.id, status: v.status }, { status: 202, headers: { "cache-control": "no-store" } });
});
