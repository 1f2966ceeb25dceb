import { NextResponse } from "next/server";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { checkReadiness } from "@/lib/observability/check-readiness";
import { componentLogger } from "@/lib/observability/logger";
import { getBlobStore } from "@/lib/storage/get-blob-store";

export const dynamic = "force-dynamic";

/**
 * Readiness for load balancers: 200 when the database, the blob store and the prepared dataset
 * all answer, else 503 naming the failed ones. /api/health stays the cheap liveness check.
 */
export async function GET() {
  const db = getDb();
  const result = await checkReadiness({ db, store: getBlobStore({ db }), dataDir: env().dataDir });
  const failed = result.checks.filter((c) => !c.ok);
  // The reasons go to the log only: error texts can name hosts and paths.
  if (failed.length > 0) componentLogger("ready").warn({ failed }, "not ready");
  return NextResponse.json(
    { ready: result.ready, failed: failed.map((c) => c.name) },
    { status: result.ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
