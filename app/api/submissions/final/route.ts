import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readJsonBody } from "@/lib/http/read-json-body";
import { selectFinalSubmissions, type SelectFinalSubmissionsInput } from "@/lib/submissions/select-final-submissions";

export const dynamic = "force-dynamic";

/** Replace the user's final selection: `{ "submissionIds": ["...", "..."] }`. */
export const PUT = handleRoute(async (request: Request) => {
  const user = await requireApiUser(request, "submit");
  const input = await readJsonBody({ request, maxBytes: 16 * 1024 });
  const result = await selectFinalSubmissions({
    db: getDb(),
    userId: user.id,
    input: input as SelectFinalSubmissionsInput /* checked by the operation */,
  });
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
