import { z } from "zod";
import type { Db } from "../db/client";
import { AppError, type AppErrorDetail } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { getPhaseRules } from "./get-phase-rules";
import { getUserTeam } from "../teams/get-user-team";
import { DEFAULT_TRACK, PhaseTrack } from "../phases/phase-input";

export const selectFinalSubmissionsInputSchema = z.object({
  /** The complete new selection (replaces the old one); empty clears it. */
  submissionIds: z
    .array(z.string().min(1).max(64), { error: "expected a list of submission ids" })
    .max(50, "too many submission ids")
    .transform((ids) => [...new Set(ids)]),
  /** Whose phase the selection is for: each track's running phase has its own picks. */
  track: PhaseTrack.default(DEFAULT_TRACK),
});
export type SelectFinalSubmissionsInput = z.input<typeof selectFinalSubmissionsInputSchema>;

export interface SelectFinalSubmissionsResult {
  /** The ids now marked final, in the order given. */
  selected: string[];
  maxFinal: number;
}

/**
 * Sets the user's final selection for the private leaderboard to exactly `submissionIds`
 * (docs/challenge.md: up to Phase.maxFinal, default 2; with none selected the best ones by
 * public score stand in). Only the user's own scored, non-disqualified submissions qualify;
 * anything else is a validation error naming each refused id. Someone else's id is reported
 * like an unknown one, so the answer reveals nothing about other people's submissions.
 *
 * Per phase: the selection is among the submissions of the phase the rules come from
 * (getPhaseRules), and replaces only that phase's picks; an entry of another phase is refused
 * by name. The selection closes when the phase ends or the private board is revealed ("conflict").
 */
export async function selectFinalSubmissions(options: {
  db: Db;
  userId: string;
  input: SelectFinalSubmissionsInput;
  now?: Date;
}): Promise<SelectFinalSubmissionsResult> {
  const { db, userId } = options;
  const parsed = selectFinalSubmissionsInputSchema.safeParse(options.input);
  if (!parsed.success) throw new AppError("validation", { user: "The selection is not valid.", details: zodDetails(parsed.error) });
  const ids = parsed.data.submissionIds;

  const rules = await getPhaseRules({ db, now: options.now, track: parsed.data.track });
  if (!rules.selectionOpen) {
    throw new AppError("conflict", { user: "The final selection is closed: the phase has ended." });
  }
  if (ids.length > rules.maxFinal) {
    throw new AppError("validation", {
      user: `You can select at most ${rules.maxFinal} final submission${rules.maxFinal === 1 ? "" : "s"}.`,
      details: [{ field: "submissionIds", message: `${ids.length} selected, at most ${rules.maxFinal} allowed` }],
    });
  }

  // A team picks together (lib/teams): any member sets the team's selection, among the team's entries.
  const team = await getUserTeam({ db, userId });
  const owner = team ? { teamId: team.id } : { userId };
  const inPhase = rules.phase ? { phaseId: rules.phase.id } : {};
  const rows = await db.submission.findMany({
    where: { id: { in: ids }, ...owner },
    select: { id: true, status: true, disqualifiedAt: true, phaseId: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const details: AppErrorDetail[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) details.push({ field: "submissionIds", message: `submission ${id} does not exist` });
    else if (rules.phase && row.phaseId !== rules.phase.id)
      details.push({ field: "submissionIds", message: `submission ${id} was not made in ${rules.phase.name}` });
    else if (row.disqualifiedAt) details.push({ field: "submissionIds", message: `submission ${id} was disqualified` });
    else if (row.status !== "scored")
      details.push({ field: "submissionIds", message: `submission ${id} is not scored (it is ${row.status})` });
  }
  if (details.length > 0) {
    throw new AppError("validation", {
      user: team
        ? "Only your team's scored submissions can be selected as final."
        : "Only your own scored submissions can be selected as final.",
      details,
    });
  }

  // One batch, no read inside it (SQLite's deferred transactions fail read-then-write under
  // concurrency): clear the others, then set these, each update restricted to what qualifies,
  // so a submission disqualified meanwhile is simply not set.
  await db.$transaction([
    db.submission.updateMany({ where: { ...owner, ...inPhase, isFinal: true, id: { notIn: ids } }, data: { isFinal: false } }),
    db.submission.updateMany({
      where: { ...owner, ...inPhase, id: { in: ids }, status: "scored", disqualifiedAt: null },
      data: { isFinal: true },
    }),
  ]);
  return { selected: ids, maxFinal: rules.maxFinal };
}
