import { createAnnouncement } from "@/lib/announcements/create-announcement";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readJsonBody } from "@/lib/http/read-json-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: posts an announcement. Body `{ title, body, bannerUntil?, sendEmail, audience }` (lib/announcements/create-announcement.ts). */
export const POST = handleRoute(async (request: Request) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  // Larger than other organizer actions (16 KB): a 10 000-character body and up to 1000 addresses.
  const input = await readJsonBody({ request, maxBytes: 256 * 1024, requireJsonContentType: true });
  const created = await createAnnouncement({ db: getDb(), input, organizer, ip });
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
