import { z } from "zod";
import type { Db } from "../db/client";
import { SubmissionStatus } from "../db/enums";
import { PENDING_JOB_STATUSES } from "./rescore-submission";
import { submissionRowFields } from "./submission-row-fields";

export const ListRecentSubmissionsQuery = z.object({
  status: SubmissionStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListRecentSubmissionsQuery = z.input<typeof ListRecentSubmissionsQuery>;

export interface OrganizerSubmissionRow {
  id: string;
  createdAt: Date;
  user: { id: string; email: string; name: string };
  baselineTitle: string | null;
  kind: string;
  fileName: string;
  description: string;
  status: string;
  failureKind: string | null;
  errorMessage: string | null;
  publicMain: number | null;
  /** Organizers see it; participants never do before the reveal. */
  privateMain: number | null;
  isFinal: boolean;
  disqualifiedAt: Date | null;
  disqualifiedReason: string | null;
  /** A scoring job is queued or running: a rescore now would return that job. */
  scoringPending: boolean;
}

/** Everyone's latest submissions, newest first, for the organizer dashboard. */
export async function listRecentSubmissions(options: { db: Db; query?: ListRecentSubmissionsQuery }): Promise<OrganizerSubmissionRow[]> {
  const { db } = options;
  const query = ListRecentSubmissionsQuery.parse(options.query ?? {});
  const rows = await db.submission.findMany({
    where: query.status ? { status: query.status } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit,
    include: {
      user: { select: { id: true, email: true, name: true } },
      baseline: { select: { title: true } },
      score: { select: { publicMain: true, privateMain: true } },
    },
  });
  const pending = await db.job.findMany({
    where: { submissionId: { in: rows.map((r) => r.id) }, status: { in: [...PENDING_JOB_STATUSES] } },
    select: { submissionId: true },
  });
  const pendingIds = new Set(pending.map((j) => j.submissionId));
  return rows.map((r) => ({
    ...submissionRowFields(r),
    description: r.description,
    errorMessage: r.errorMessage,
    disqualifiedReason: r.disqualifiedReason,
    scoringPending: pendingIds.has(r.id),
  }));
}
