import { type z } from "zod";
import type { Db, Prisma } from "../db/client";
import { pageById } from "../csv/stream-csv";
import { DateRange, PageQuery, TextFilter, createdAtRange, type ListPage } from "../organizer/organizer-list-query";

export const AuditQuery = PageQuery.extend({
  /** Exact action, e.g. "user.ban", or a prefix ending in "." ("user."). */
  action: TextFilter,
  /** Part of the actor's e-mail (or "cli"). */
  actor: TextFilter,
  /** The target's id (a user, submission or phase id). */
  target: TextFilter,
  ...DateRange,
});
export type AuditQuery = z.output<typeof AuditQuery>;

export interface AuditEventRow {
  id: string;
  createdAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string;
  details: unknown;
  ip: string;
}

function whereOf(q: Partial<AuditQuery>): Prisma.AuditEventWhereInput {
  return {
    ...(q.action ? (q.action.endsWith(".") ? { action: { startsWith: q.action } } : { action: q.action }) : {}),
    ...(q.actor ? { actorLabel: { contains: q.actor.toLowerCase() } } : {}),
    ...(q.target ? { targetId: q.target } : {}),
    ...createdAtRange(q),
  };
}

/** The audit trail, newest first, one page. */
export async function listAuditEvents(options: { db: Db; query?: Partial<AuditQuery> }): Promise<ListPage<AuditEventRow>> {
  const q = AuditQuery.parse({});
  const query = { ...q, ...options.query };
  const where = whereOf(query);
  const [rows, total] = await Promise.all([
    options.db.auditEvent.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
    options.db.auditEvent.count({ where }),
  ]);
  return { rows, total, page: query.page, pageSize: query.pageSize };
}

/** Every matching event in id order (cuids grow with time), for the CSV export. */
export function iterateAuditEvents(options: { db: Db; query?: Partial<AuditQuery> }): AsyncGenerator<AuditEventRow> {
  const where = whereOf(options.query ?? {});
  return pageById((after, size) =>
    options.db.auditEvent.findMany({ where: { AND: [where, after ? { id: { gt: after } } : {}] }, orderBy: { id: "asc" }, take: size }),
  );
}
