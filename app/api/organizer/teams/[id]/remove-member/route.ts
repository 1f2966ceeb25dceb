import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors/app-error";
import { zodDetails } from "@/lib/errors/zod-details";
import { handleRoute } from "@/lib/http/handle-route";
import { readOrganizerActionBody } from "@/lib/organizer/read-organizer-action-body";
import { requireOrganizerRequest } from "@/lib/organizer/require-organizer-request";
import { removeTeamMember } from "@/lib/teams/remove-team-member";

export const dynamic = "force-dynamic";

const Body = z.object({ userId: z.string().min(1).max(64) }).strict();

/** Organizer: take a participant out of a team (audited). Body `{ "userId": "..." }`. */
export const POST = handleRoute(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const { organizer, ip } = await requireOrganizerRequest(request);
  const parsed = Body.safeParse(await readOrganizerActionBody(request));
  if (!parsed.success) throw new AppError("validation", { user: "Say which member to remove.", details: zodDetails(parsed.error) });
  const { id } = await context.params;
  const result = await removeTeamMember({ db: getDb(), teamId: id, userId: parsed.data.userId, organizer, ip });
  return Response.json(result, { headers: { "cache-control": "no-store" } });
});
