import { organizerActor } from "@/lib/audit/audit-actor";
import { getDb } from "@/lib/db/client";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { deletePhase } from "@/lib/phases/delete-phase";
import { updatePhase } from "@/lib/phases/update-phase";

export const dynamic = "force-dynamic";

/**
 * Organizer: change a phase. Body: any of the fields of UpdatePhaseInput (`{ name, startsAt,
 * endsAt, dailyLimit, maxFinal, privateRevealed, scoreVisibility, ladderStep, track,
 * acceptedKinds, teamSizeCap, mergeDeadline, description }`, dates as "2026-12-31 23:59:59" UTC or
 * ISO 8601 with a zone), plus `confirmClosed: true` when setting a daily limit of 0. Anyone but an
 * organizer gets 404.
 */
export const PATCH = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const input = await readOrganizerActionBody(request);
  const { id } = await context.params;
  const phase = await updatePhase({
    db: getDb(),
    phaseId: id,
    input,
    actor: organizerActor(organizer, ip),
  });
  console.info(`[organizer] ${organizer.email} updated phase ${id}`);
  return Response.json({ phase }, { headers: { "cache-control": "no-store" } });
});

/** Organizer: delete a phase without submissions (409 when it has some). Anyone but an organizer gets 404. */
export const DELETE = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const { id } = await context.params;
  const phase = await deletePhase({ db: getDb(), phaseId: id, actor: organizerActor(organizer, ip) });
  console.info(`[organizer] ${organizer.email} deleted phase ${id}`);
  return Response.json({ deleted: { id: phase.id, name: phase.name } }, { headers: { "cache-control": "no-store" } });
});
