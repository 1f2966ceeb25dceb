import { z } from "zod";
import type { Db, Prisma } from "../db/client";
import { SubmissionKind, SubmissionStatus } from "../db/enums";
import { submissionRowFields } from "./submission-row-fields";
import { DateRange, PageQuery, TextFilter, createdAtRange, iterateById, readListPage, type ListPage } from "./organizer-list-query";

const optionalEnum = <T extends z.ZodTypeAny>(e: T) => e.optional().or(z.literal("").transform(() => undefined));

export const SubmissionsQuery = PageQuery.extend({
  status: optionalEnum(SubmissionStatus),
  kind: optionalEnum(SubmissionKind),
  /** A participant: their user id, or part of their e-mail address. */
  participant: TextFilter,
  ...DateRange,
});
export type SubmissionsQuery = z.output<typeof SubmissionsQuery>;

export interface SubmissionListRow {
  id: string;
  createdAt: Date;
  user: { id: string; email: string; name: string; status: string };
  baselineTitle: string | null;
  kind: string;
  modelFormat: string | null;
  fileName: string;
  fileSize: number;
  status: string;
  failureKind: string | null;
  publicMain: number | null;
  privateMain: number | null;
  isFinal: boolean;
  disqualifiedAt: Date | null;
  scoredAt: Date | null;
}

/** The filter of the list as a Prisma where (also what a bulk rescore of "all matching" selects, lib/rescore). */
export function submissionListWhere(q: Partial<SubmissionsQuery>): Prisma.SubmissionWhereInput {
  return {
    ...(q.status ? { status: q.status } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.participant ? { OR: [{ userId: q.participant }, { user: { email: { contains: q.participant.toLowerCase() } } }] } : {}),
    ...createdAtRange(q),
  };
}

const INCLUDE = {
  user: { select: { id: true, email: true, name: true, status: true } },
  baseline: { select: { title: true } },
  score: { select: { publicMain: true, privateMain: true } },
} as const;
const toRow = (r: Prisma.SubmissionGetPayload<{ include: typeof INCLUDE }>): SubmissionListRow => ({
  ...submissionRowFields(r),
  modelFormat: r.modelFormat,
  fileSize: r.fileSize,
  scoredAt: r.scoredAt,
});

/** Every submission (participants' and baselines'), filtered, newest first, one page. */
export async function listSubmissionPage(options: { db: Db; query?: Partial<SubmissionsQuery> }): Promise<ListPage<SubmissionListRow>> {
  const query = { ...SubmissionsQuery.parse({}), ...options.query };
  const where = submissionListWhere(query);
  return readListPage(
    query,
    async (window) =>
      (await options.db.submission.findMany({ where, include: INCLUDE, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...window })).map(
        toRow,
      ),
    () => options.db.submission.count({ where }),
  );
}

/** Every matching submission in id order, for the CSV export. */
export function iterateSubmissions(options: { db: Db; query?: Partial<SubmissionsQuery> }): AsyncGenerator<SubmissionListRow> {
  return iterateById(
    submissionListWhere(options.query ?? {}),
    (batch) => options.db.submission.findMany({ ...batch, include: INCLUDE }),
    (rows) => rows.map(toRow),
  );
}
