import { z } from "zod";
import type { Db, Prisma } from "../db/client";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { SubmissionsQuery, submissionListWhere } from "../organizer/list-submission-page";

/**
 * What an organizer's bulk rescore covers: a whole phase, or the set the organizer submissions
 * list shows for a filter (the same filter object as lib/organizer/list-submission-page.ts,
 * without its paging). Either way only scored submissions are taken (see rescoreCandidatesWhere).
 */
export const RescoreScope = z.union([
  z.object({ phaseId: z.string().trim().min(1).max(100) }).strict(),
  z.object({ filter: SubmissionsQuery.omit({ page: true, pageSize: true }).strict() }).strict(),
]);
export type RescoreScopeInput = z.input<typeof RescoreScope>;

export interface ResolvedRescoreScope {
  /** Shown in the batches panel and the audit trail: "Phase Final" or "status=scored, kind=model". */
  label: string;
  /** The scope as the organizer gave it (strings, not Dates), kept on RescoreBatch.filter. */
  filter: Record<string, string>;
  where: Prisma.SubmissionWhereInput;
}

/** Parses and resolves a scope; an unknown phase is "not found", a malformed one a validation error naming the field. */
export async function resolveRescoreScope(options: { db: Db; input: unknown }): Promise<ResolvedRescoreScope> {
  const parsed = RescoreScope.safeParse(options.input);
  if (!parsed.success)
    throw new AppError("validation", { user: "Say which phase or which filter to rescore.", details: zodDetails(parsed.error) });
  const scope = parsed.data;
  if ("phaseId" in scope) {
    const phase = await options.db.phase.findUnique({ where: { id: scope.phaseId }, select: { id: true, name: true, track: true } });
    if (!phase) throw new AppError("not-found", { user: "This phase does not exist.", internal: `phase ${scope.phaseId}` });
    return {
      label: `Phase ${phase.name}`,
      filter: { phaseId: phase.id },
      // Baselines have no phase and are shown on every phase of their track: they are rescored with it.
      where: rescoreCandidatesWhere({ OR: [{ phaseId: phase.id }, { phaseId: null, baselineId: { not: null }, track: phase.track }] }),
    };
  }
  const raw = rawFilter(options.input);
  const label = Object.entries(raw)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return {
    label: label ? `Submissions with ${label}` : "All submissions",
    filter: raw,
    where: rescoreCandidatesWhere(submissionListWhere(scope.filter)),
  };
}

/**
 * Scored submissions only: a failed or waiting one has no score to refresh (the per-submission
 * Rescore button handles those one by one). Disqualified ones are included: they keep their
 * score, and an organizer who reinstates one later should see it scored by the current scorer.
 * A submission that already has a scoring job queued or running is left out: that job scores it.
 */
export function rescoreCandidatesWhere(scope: Prisma.SubmissionWhereInput): Prisma.SubmissionWhereInput {
  return {
    AND: [scope, { status: "scored" }, { jobs: { none: { type: "score-submission", status: { in: ["queued", "running"] } } } }],
  };
}

/** The filter's non-empty fields as given (strings), in a fixed order so equal filters compare equal. */
function rawFilter(input: unknown): Record<string, string> {
  const filter = ((input as { filter?: Record<string, unknown> }).filter ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of Object.keys(filter).sort()) {
    const value = filter[key];
    if (typeof value === "string" && value.trim() !== "") out[key] = value.trim();
  }
  return out;
}
