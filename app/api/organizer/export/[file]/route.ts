import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { handleRoute } from "@/lib/http/handle-route";
import { exportOrganizerCsv } from "@/lib/organizer/export-organizer-csv";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/**
 * Organizer only (404 for anyone else, API tokens included): `participants.csv`,
 * `acceptances.csv`, `downloads.csv`, `submissions.csv`, `audit.csv`, streamed with a header
 * row; the list pages' filters apply as query parameters (e.g. `?from=2026-05-01&email=ada`).
 */
export const GET = handleRoute(async (request: Request, context: { params: Promise<{ file: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const { file } = await context.params;
  if (!file.endsWith(".csv")) throw new AppError("not-found", { user: "There is no such export." });
  const { fileName, stream } = await exportOrganizerCsv({
    db: getDb(),
    name: file.slice(0, -4),
    params: new URL(request.url).searchParams,
    organizer,
    ip,
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName}"`,
      "cache-control": "no-store, private",
      "x-content-type-options": "nosniff",
    },
  });
});
