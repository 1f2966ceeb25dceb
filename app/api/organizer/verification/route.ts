import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { listVerifications } from "@/lib/verification/list-verifications";
import { requestVerification } from "@/lib/verification/request-verification";

export const dynamic = "force-dynamic";
const NO_STORE = { "cache-control": "no-store" };

/** Organizer: every winner verification with its files, scores and outcome. */
export const GET = handleRoute(async (request: Request) => {
  await requireOrganizerRequest(request);
  return Response.json({ verifications: await listVerifications({ db: getDb() }) }, { headers: NO_STORE });
});

/** Organizer: request verification of `{ submissionId }` or `{ phaseId, board, top }` (optional `note`), e-mailing the owners. */
export const POST = handleRoute(async (request: Request) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const input = await readOrganizerActionBody(request);
  const result = await requestVerification({ db: getDb(), input, actor: organizerActor(organizer, ip) });
  return Response.json(result, { status: result.requested.length > 0 ? 201 : 200, headers: NO_STORE });
});
