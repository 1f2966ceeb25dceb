import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { openSubmissionFile } from "@/lib/submissions/open-submission-file";
import { submissionFileResponse } from "@/lib/submissions/submission-file-response";

export const dynamic = "force-dynamic";

/** Download the uploaded file of one of the user's own submissions (404 for anyone else's). */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(request, "read");
  const { id } = await context.params;
  const file = await openSubmissionFile({ db: getDb(), submissionId: id, userId: user.id });
  return submissionFileResponse(file);
});
