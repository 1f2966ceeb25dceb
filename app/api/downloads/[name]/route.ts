import { requireApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { serveDatasetFile } from "@/lib/downloads/serve-dataset-file";
import { env } from "@/lib/env";
import { handleRoute } from "@/lib/http/handle-route";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ name: string }> };

/**
 * One file of the current dataset, for signed-in participants who accepted the current terms
 * (401 / 403 otherwise, with a message pointing to /terms). Range requests resume downloads;
 * see lib/downloads/serve-dataset-file.ts for the rules and the logging.
 */
function serve(method: "GET" | "HEAD") {
  return handleRoute(async (request: Request, context: Context) => {
    const user = await requireApiUser(request, "read");
    const { name } = await context.params;
    const file = await serveDatasetFile({ db: getDb(), dataDir: env().dataDir, userId: user.id, name, method, headers: request.headers });
    return new Response(file.body, { status: file.status, headers: file.headers });
  });
}

export const GET = serve("GET");
/** Size and resumability without a download (download managers ask first); not logged. */
export const HEAD = serve("HEAD");
