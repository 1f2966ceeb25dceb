import { z } from "zod";
import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { countRescoreCandidates } from "@/lib/rescore/count-rescore-candidates";
import { getRescoreProgress } from "@/lib/rescore/get-rescore-progress";
import { startRescoreBatch } from "@/lib/rescore/start-rescore-batch";

export const dynamic = "force-dynamic";
const NO_STORE = { "cache-control": "no-store" };

/** Organizer: the latest bulk rescores with their progress (the console polls it). */
export const GET = handleRoute(async (request: Request) => {
  await requireOrganizerRequest(request);
  return Response.json({ batches: await getRescoreProgress({ db: getDb() }) }, { headers: NO_STORE });
});

/**
 * Organizer: `{ scope, preview: true }` counts what a bulk rescore of the scope would queue (the
 * confirmation's N); `{ scope, expectedCount }` starts it: 202 with the batch, 200 with the running
 * batch of the same scope when one is still going.
 */
export const POST = handleRoute(async (request: Request) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const body = await readOrganizerActionBody(request);
  const db = getDb();
  const preview = z.object({ scope: z.unknown(), preview: z.literal(true) }).safeParse(body);
  if (preview.success) return Response.json(await countRescoreCandidates({ db, scope: preview.data.scope }), { headers: NO_STORE });
  const { batch, created } = await startRescoreBatch({ db, input: body, actor: organizerActor(organizer, ip) });
  return Response.json(
    { batch: { id: batch.id, label: batch.label, total: batch.total }, created },
    { status: created ? 202 : 200, headers: NO_STORE },
  );
});
