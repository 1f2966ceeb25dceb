import { organizerActor } from "@/lib/audit/audit-actor";
import { requireOrganizer } from "@/lib/auth/get-current-user";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { formatClientAddress, readClientAddress } from "@/lib/http/client-address";
import { handleRoute } from "@/lib/http/handle-route";
import { getHiddenLabelsCsv } from "@/lib/organizer/get-hidden-labels-csv";

export const dynamic = "force-dynamic";

/**
 * Organizer only: the hidden test labels as CSV. The one route of the whole app that serves
 * them; requireOrganizer runs before anything is read (401 signed out, 403 for participants).
 */
export const GET = handleRoute(async (request: Request) => {
  const organizer = await requireOrganizer();
  const { csv, rows } = await getHiddenLabelsCsv({ dataDir: env().dataDir });
  console.info(`[organizer] ${organizer.email} downloaded the hidden test labels (${rows} rows)`);
  // On the record before the first byte leaves (audit.csv shows every label export).
  await recordAuditEvent({
    db: getDb(),
    actor: organizerActor(organizer, formatClientAddress(readClientAddress(request.headers))),
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
