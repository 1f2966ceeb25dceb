import type { Db } from "../db/client";
import { readGenerationResult, type GenerationResultView } from "./read-generation-result";

/**
 * The scores of a generation submission the caller may already see (access is the caller's:
 * getSubmissionForUser), read for the submission page. The private part is read only when
 * `privateRevealed`; before that it is not even selected. null when not scored.
 */
export async function loadGenerationResult(options: {
  db: Db;
  submissionId: string;
  privateRevealed: boolean;
}): Promise<GenerationResultView | null> {
  const row = await options.db.submission.findUnique({
    where: { id: options.submissionId },
    select: {
      track: true,
      status: true,
      score: { select: options.privateRevealed ? { public: true, private: true } : { public: true } },
    },
  });
  if (!row || row.track !== "generation" || row.status !== "scored" || !row.score) return null;
  const score = row.score as { public: unknown; private?: unknown };
  return readGenerationResult({ public: score.public, private: options.privateRevealed ? (score.private ?? null) : null });
}
