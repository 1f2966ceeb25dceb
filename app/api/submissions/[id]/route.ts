import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { getSubmissionForUser } from "@/lib/submissions/get-submission-for-user";

export const dynamic = "force-dynamic";

/** One of the user's submissions with its public scores (404 for anyone else's). */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(request, "read");
  const { id } = await context.params;
  const submission = await getSubmissionForUser({ db: getDb(), submissionId: id, user });
  return Response.json({ submission }, { headers: { "cache-control": "no-store" } });
});
