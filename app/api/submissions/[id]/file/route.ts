import { Readable } from "node:stream";
import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { contentDisposition } from "@/lib/submissions/content-disposition";
import { openSubmissionFile } from "@/lib/submissions/open-submission-file";

export const dynamic = "force-dynamic";

/** Download the uploaded file of one of the user's own submissions (404 for anyone else's). */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireApiUser(request, "read");
  const { id } = await context.params;
  const file = await openSubmissionFile({ db: getDb(), submissionId: id, userId: user.id });
  return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(file.size),
      "content-disposition": contentDisposition(file.fileName),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      // Hex SHA-256 as well, so a script can check what it got without hashing twice.
      "x-content-sha256": file.sha256,
    },
  });
});
