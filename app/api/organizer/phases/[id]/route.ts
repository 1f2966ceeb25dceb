import { organizerActor } from "@/lib/audit/audit-actor";
import { requireOrganizer } from "@/lib/auth/get-current-user";
import { getDb } from "@/lib/db/client";
import { formatClientAddress, readClientAddress } from "@/lib/http/client-address";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { updatePhase } from "@/lib/phases/update-phase";

export const dynamic = "force-dynamic";

/**
 * Organizer: change a phase. Body: any of `{ name, startsAt, endsAt, dailyLimit, maxFinal,
 * privateRevealed, scoreVisibility: "rounded" | "ladder", ladderStep }` (dates as ISO 8601 with a zone); see UpdatePhaseInput.
 */
export const PATCH = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const organizer = await requireOrganizer();
  const input = await readOrganizerActionBody(request);
  const { id } = await context.params;
  const phase = await updatePhase({
    db: getDb(),
    phaseId: id,
    input,
    actor: organizerActor(organizer, formatClientAddress(readClientAddress(request.headers))),
  });
  console.info(`[organizer] ${organizer.email} updated phase ${id}`);
  return Response.json({ phase }, { headers: { "cache-control": "no-store" } });
});
