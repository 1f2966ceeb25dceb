import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { setUserStatus } from "@/lib/organizer/set-user-status";

export const dynamic = "force-dynamic";

/** Organizer: suspend, ban or reinstate a participant. Body `{ status: "active"|"suspended"|"banned", reason }`. */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const input = await readOrganizerActionBody(request);
  const { id } = await context.params;
  const result = await setUserStatus({ db: getDb(), userId: id, input, organizer, ip });
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
