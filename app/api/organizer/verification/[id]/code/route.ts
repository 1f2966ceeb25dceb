import { Readable } from "node:stream";
import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { contentDisposition } from "@/lib/submissions/content-disposition";
import { openVerificationCode } from "@/lib/verification/open-verification-code";

export const dynamic = "force-dynamic";

/** Organizer: download a participant's code archive as uploaded (audited before the first byte). */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const { id } = await context.params;
  const file = await openVerificationCode({ db: getDb(), verificationId: id, actor: organizerActor(organizer, ip) });
  return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(file.size),
      "content-disposition": contentDisposition(file.fileName),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    },
  });
});
