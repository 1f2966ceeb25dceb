import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { submissionFileResponse } from "@/lib/submissions/submission-file-response";
import { openVerificationCode } from "@/lib/verification/open-verification-code";

export const dynamic = "force-dynamic";

/** Organizer: download a participant's code archive as uploaded (audited before the first byte). */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const { id } = await context.params;
  const file = await openVerificationCode({ db: getDb(), verificationId: id, actor: organizerActor(organizer, ip) });
  return submissionFileResponse(file);
});
