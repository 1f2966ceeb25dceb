import { type z } from "zod";
import type { Db, Prisma } from "../db/client";
import { DateRange, PageQuery, TextFilter, iterateById, readListPage, type ListPage } from "./organizer-list-query";

export const AcceptancesQuery = PageQuery.extend({
  /** Part of the participant's e-mail address. */
  email: TextFilter,
  /** Exact terms version. */
  version: TextFilter,
  ...DateRange,
});
export type AcceptancesQuery = z.output<typeof AcceptancesQuery>;

export interface AcceptanceRow {
  id: string;
  acceptedAt: Date;
  user: { id: string; email: string; name: string };
  termsVersion: string;
  ip: string;
}

function whereOf(q: Partial<AcceptancesQuery>): Prisma.TermsAcceptanceWhereInput {
  return {
    ...(q.email ? { user: { email: { contains: q.email.toLowerCase() } } } : {}),
    ...(q.version ? { termsVersion: q.version } : {}),
    ...(q.from || q.to ? { acceptedAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } } : {}),
  };
}

const INCLUDE = { user: { select: { id: true, email: true, name: true } } } as const;
const toRow = (r: Prisma.TermsAcceptanceGetPayload<{ include: typeof INCLUDE }>): AcceptanceRow => ({
  id: r.id,
  acceptedAt: r.acceptedAt,
  user: r.user,
  termsVersion: r.termsVersion,
  ip: r.ip ?? "",
});

/** Who accepted which version of the dataset terms, when and from where; newest first. */
export async function listTermsAcceptances(options: { db: Db; query?: Partial<AcceptancesQuery> }): Promise<ListPage<AcceptanceRow>> {
  const query = { ...AcceptancesQuery.parse({}), ...options.query };
  const where = whereOf(query);
  return readListPage(
    query,
    async (window) =>
      (
        await options.db.termsAcceptance.findMany({ where, include: INCLUDE, orderBy: [{ acceptedAt: "desc" }, { id: "desc" }], ...window })
      ).map(toRow),
    () => options.db.termsAcceptance.count({ where }),
  );
}

/** Every matching acceptance in id order, for the CSV export. */
export function iterateTermsAcceptances(options: { db: Db; query?: Partial<AcceptancesQuery> }): AsyncGenerator<AcceptanceRow> {
  return iterateById(
    whereOf(options.query ?? {}),
    (batch) => options.db.termsAcceptance.findMany({ ...batch, include: INCLUDE }),
    (rows) => rows.map(toRow),
  );
}
