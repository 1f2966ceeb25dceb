import type { Db } from "../db/client";
import { getShownPublicScores, shownMainOf } from "./get-shown-public-scores";
import { SUMMARY_SELECT, toSubmissionSummary, type SubmissionSummary } from "./submission-views";

/** Enough for any participant (5 a day); organizers with many baseline runs see the newest. */
export const DEFAULT_LIST_LIMIT = 500;

/**
 * The user's own submissions, newest first, as summaries (public main score only, as the
 * phase's score policy shows it; exact for organizers). Only rows
 * of `userId` are ever read: the filter is part of the query, not applied afterwards.
 */
export async function listUserSubmissions(options: {
  db: Db;
  userId: string;
  role: string;
  limit?: number;
  now?: Date;
}): Promise<SubmissionSummary[]> {
  const shown = await getShownPublicScores({ db: options.db, userId: options.userId, role: options.role, now: options.now });
  const rows = await options.db.submission.findMany({
    where: { userId: options.userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit ?? DEFAULT_LIST_LIMIT,
    select: SUMMARY_SELECT,
  });
  // The public score as the phase's policy shows it (rounded or laddered), like the leaderboard.
  return rows.map((row) => {
    const summary = toSubmissionSummary(row);
    return { ...summary, publicMain: shownMainOf(shown, row.id, summary.publicMain) };
  });
}
