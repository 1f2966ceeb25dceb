import type { Db, Submission } from "../db/client";
import { isNotFound } from "../db/errors";
import { AppError } from "../errors/app-error";

/** Organizer: undoes a disqualification; the submission is ranked again with its score. Idempotent. */
export async function reinstateSubmission(options: { db: Db; submissionId: string }): Promise<Submission> {
  try {
    return await options.db.submission.update({
      where: { id: options.submissionId },
      data: { disqualifiedAt: null, disqualifiedReason: null },
    });
  } catch (error) {
    if (isNotFound(error)) {
      throw new AppError("not-found", { user: "This submission does not exist.", internal: `submission ${options.submissionId}` });
    }
    throw error;
  }
}
