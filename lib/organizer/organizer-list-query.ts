import { z } from "zod";
import { pageById } from "../csv/stream-csv";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";

/** `?page=&pageSize=` of every organizer list (pages of at most 200 rows). */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** An optional text filter from a query string: trimmed, empty means none, bounded. */
export const TextFilter = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((v) => (v ? v : undefined));

/** `from`/`to` as a date ("2026-05-01") or an ISO time; a date alone means that whole UTC day for `to`. */
const DateBound = (end: boolean) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
      const d = new Date(dateOnly ? `${v}T00:00:00Z` : v);
      if (Number.isNaN(d.getTime())) {
        ctx.addIssue({ code: "custom", message: "must be a date (YYYY-MM-DD) or an ISO 8601 time" });
        return z.NEVER;
      }
      return dateOnly && end ? new Date(d.getTime() + 24 * 60 * 60 * 1000) : d;
    });
export const DateRange = { from: DateBound(false), to: DateBound(true) };

/** `createdAt` between the bounds: from inclusive, to exclusive (a `to` date includes its day). */
export function createdAtRange(q: { from?: Date; to?: Date }): { createdAt?: { gte?: Date; lt?: Date } } {
  if (!q.from && !q.to) return {};
  return { createdAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) } };
}

/** Parses a list query (from URL search params or a page's searchParams) or fails with 400. */
export function parseListQuery<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const raw = input instanceof URLSearchParams ? Object.fromEntries(input) : flatten(input);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("validation", { user: "Unknown filter.", details: zodDetails(parsed.error) });
  return parsed.data;
}

function flatten(input: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((input ?? {}) as Record<string, unknown>))
    out[k] = Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
  return out;
}

export interface ListPage<T> {
  rows: T[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * One page of an organizer list and how many rows match in all, read together. `read` gets the
 * window (skip/take) of the page; the caller keeps its own filter, order and row shape.
 */
export async function readListPage<R>(
  query: { page: number; pageSize: number },
  read: (window: { skip: number; take: number }) => Promise<R[]>,
  count: () => Promise<number>,
): Promise<ListPage<R>> {
  const [rows, total] = await Promise.all([read({ skip: (query.page - 1) * query.pageSize, take: query.pageSize }), count()]);
  return { rows, total, page: query.page, pageSize: query.pageSize };
}

/**
 * Every row matching `where`, in id order and read in batches (a CSV export of a whole list
 * without holding it in memory). `read` gets the query of one batch; `toRows` shapes a batch.
 */
export function iterateById<W, P, R extends { id: string }>(
  where: W,
  read: (batch: { where: { AND: [W, { id?: { gt: string } }] }; orderBy: { id: "asc" }; take: number }) => Promise<P[]>,
  toRows: (rows: P[]) => R[] | Promise<R[]>,
): AsyncGenerator<R> {
  return pageById(async (after, size) =>
    toRows(await read({ where: { AND: [where, after ? { id: { gt: after } } : {}] }, orderBy: { id: "asc" }, take: size })),
  );
}
