import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { createPhase } from "@/lib/phases/create-phase";

export const dynamic = "force-dynamic";

/**
 * Organizer: add a phase. Body: `{ name, startsAt, endsAt, dailyLimit }` and any of `{ track,
 * acceptedKinds: ["csv", "model"], maxFinal, scoreVisibility, ladderStep, teamSizeCap,
 * mergeDeadline, description, privateRevealed, confirmClosed }` (see CreatePhaseInput). 201 with
 * the phase. Anyone but an organizer gets 404.
 */
export const POST = handleRoute(async (request: Request) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const input = await readOrganizerActionBody(request);
  const phase = await createPhase({ db: getDb(), input, actor: organizerActor(organizer, ip) });
  console.info(`[organizer] ${organizer.email} created phase ${phase.id}`);
  return Response.json({ phase }, { status: 201, headers: { "cache-control": "no-store" } });
});
