import { z } from "zod";
import type { Db, Submission } from "../db/client";
import { isNotFound } from "../db/errors";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";

/** The organizer's reason is shown to the submission's owner: required, short, plain text. */
export const DisqualifyInput = z
  .object({
    reason: z.string().trim().min(3, "must be at least 3 characters").max(500, "must be at most 500 characters"),
  })
  .strict();
export type DisqualifyInput = z.input<typeof DisqualifyInput>;

/**
 * Organizer: takes a submission off the leaderboards (the leaderboard leaves out rows with
 * disqualifiedAt set). The submission stays visible to its owner with the reason. Doing it again
 * updates the reason and keeps the first date.
 */
export async function disqualifySubmission(options: { db: Db; submissionId: string; input: unknown; now?: Date }): Promise<Submission> {
  const { db, submissionId } = options;
  const parsed = DisqualifyInput.safeParse(options.input);
  if (!parsed.success) throw new AppError("validation", { user: "Please give a reason.", details: zodDetails(parsed.error) });
  const existing = await db.submission.findUnique({ where: { id: submissionId }, select: { disqualifiedAt: true } });
  if (!existing) throw notFound(submissionId);
  try {
    return await db.submission.update({
      where: { id: submissionId },
      data: { disqualifiedAt: existing.disqualifiedAt ?? options.now ?? new Date(), disqualifiedReason: parsed.data.reason },
    });
  } catch (error) {
    if (isNotFound(error)) throw notFound(submissionId);
    throw error;
  }
}

function notFound(submissionId: string): AppError {
  return new AppError("not-found", { user: "This submission does not exist.", internal: `submission ${submissionId}` });
}
