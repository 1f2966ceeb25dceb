import { getDb } from "@/lib/db/client";
import { updateEntryRules } from "@/lib/entry-rules/update-entry-rules";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: saves the entry rules. Body `{ allowedDomains, blockedDomains, invitationOnly }` (lists as arrays or text). */
export const POST = handleRoute(async (request: Request) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const input = await readOrganizerActionBody(request);
  const rules = await updateEntryRules({ db: getDb(), input, organizer, ip });
  return Response.json(rules, { headers: { "cache-control": "no-store" } });
});
