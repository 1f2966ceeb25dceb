import { getDb } from "@/lib/db/client";
import { revokeInvitationCode } from "@/lib/entry-rules/revoke-invitation-code";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: revokes an invitation code (body `{}`). */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  await readOrganizerActionBody(request);
  const { id } = await context.params;
  const result = await revokeInvitationCode({ db: getDb(), id, organizer, ip });
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
