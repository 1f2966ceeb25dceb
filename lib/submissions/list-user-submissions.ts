import type { Db } from "../db/client";
import { SUMMARY_SELECT, toSubmissionSummary, type SubmissionSummary } from "./submission-views";

/** Enough for any participant (5 a day); organizers with many baseline runs see the newest. */
export const DEFAULT_LIST_LIMIT = 500;

/**
 * The user's own submissions, newest first, as summaries (public main score only). Only rows
 * of `userId` are ever read: the filter is part of the query, not applied afterwards.
 */
export async function listUserSubmissions(options: { db: Db; userId: string; limit?: number }): Promise<SubmissionSummary[]> {
  const rows = await options.db.submission.findMany({
    where: { userId: options.userId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit ?? DEFAULT_LIST_LIMIT,
    select: SUMMARY_SELECT,
  });
  return rows.map(toSubmissionSummary);
}
