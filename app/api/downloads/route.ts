import { getApiUser } from "@/lib/auth/require-api-user";
import { getDb } from "@/lib/db/client";
import { listDatasetFiles } from "@/lib/downloads/list-dataset-files";
import { AppError } from "@/lib/errors/app-error";
import { handleRoute } from "@/lib/http/handle-route";

export const dynamic = "force-dynamic";

/**
 * The files of the current dataset (name, size, SHA-256, URL), for the CLIs. Names and hashes
 * are public (the data page lists them too); getting a file is what the terms gate. A token
 * sent along is still checked.
 */
export const GET = handleRoute(async (request: Request) => {
  await getApiUser(request, "read");
  const dataset = await listDatasetFiles({ db: getDb() });
  if (!dataset) throw new AppError("unavailable", { user: "No dataset has been prepared yet.", retryAfterSeconds: 60 });
  return Response.json(
    {
      buildId: dataset.buildId,
      files: dataset.files.map((f) => ({
        name: f.name,
        kind: f.kind,
        sizeBytes: f.sizeBytes,
        sha256: f.sha256,
        url: `/api/downloads/${encodeURIComponent(f.name)}`,
      })),
    },
    { headers: { "cache-control": "no-store" } },
  );
});
