import { organizerActor } from "@/lib/audit/audit-actor";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { handleRoute } from "@/lib/http/handle-route";
import { getHiddenLabelsCsv } from "@/lib/organizer/get-hidden-labels-csv";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";

export const dynamic = "force-dynamic";

/**
 * Organizer only: the hidden test labels as CSV. The one route of the whole app that serves
 * them. requireOrganizerRequest runs before anything is read: like every organizer route it
 * answers a plain 404 to visitors, participants and API tokens, so nobody else learns it exists.
 */
export const GET = handleRoute(async (request: Request) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const { csv, rows } = await getHiddenLabelsCsv({ dataDir: env().dataDir });
  console.info(`[organizer] ${organizer.email} downloaded the hidden test labels (${rows} rows)`);
  // On the record before the first byte leaves (audit.csv shows every label export).
  await recordAuditEvent({
    db: getDb(),
    actor: organizerActor(organizer, ip),
    action: "labels.export",
    target: { type: "labels" },
    details: { rows },
  });
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="tiny-portraits-test-labels.csv"',
      // Never kept by a browser or proxy cache: the next person on this machine is not an organizer.
      "cache-control": "no-store, private",
      "x-content-type-options": "nosniff",
    },
  });
});
