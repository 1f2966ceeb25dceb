import { getDb } from "@/lib/db/client";
import { createInvitationCode } from "@/lib/entry-rules/create-invitation-code";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: creates an invitation code. Body `{ label?, maxUses?, expiresAt? }`; the answer holds the code, this once. */
export const POST = handleRoute(async (request: Request) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const input = await readOrganizerActionBody(request);
  const created = await createInvitationCode({ db: getDb(), input, organizer, ip });
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
