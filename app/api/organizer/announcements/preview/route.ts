import { countAnnouncementRecipients } from "@/lib/announcements/count-announcement-recipients";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/** Organizer: how many participants an audience reaches. Body `{ audience }`; nothing is written. */
export const POST = handleRoute(async (request: Request) => {
  await requireOrganizerRequest(request);
  const input = (await readOrganizerActionBody(request)) as { audience?: unknown } | null;
  const count = await countAnnouncementRecipients({
    db: getDb(),
    audience: input && typeof input === "object" ? input.audience : undefined,
  });
  return Response.json(count, { headers: { "cache-control": "no-store" } });
});
