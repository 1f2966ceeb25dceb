import { z } from "zod";
import { pageById } from "../csv/stream-csv";
import type { Db, Prisma } from "../db/client";
import { DatasetFileKind } from "../db/enums";
import { DateRange, PageQuery, TextFilter, createdAtRange, type ListPage } from "./organizer-list-query";

export const DownloadsQuery = PageQuery.extend({
  /** Part of the participant's e-mail address. */
  email: TextFilter,
  kind: DatasetFileKind.optional().or(z.literal("").transform(() => undefined)),
  ...DateRange,
});
export type DownloadsQuery = z.output<typeof DownloadsQuery>;

export interface DownloadRow {
  id: string;
  createdAt: Date;
  user: { id: string; email: string };
  fileName: string;
  fileKind: string;
  /** Bytes actually sent (a resumed download logs only its range). */
  bytesServed: number;
  fileSize: number;
  rangeHeader: string | null;
  ip: string;
  userAgent: string;
}

function whereOf(q: Partial<DownloadsQuery>): Prisma.DownloadLogWhereInput {
  return {
    ...(q.email ? { user: { email: { contains: q.email.toLowerCase() } } } : {}),
    ...(q.kind ? { datasetFile: { kind: q.kind } } : {}),
    ...createdAtRange(q),
  };
}

export const DOWNLOAD_INCLUDE = {
  user: { select: { id: true, email: true } },
  datasetFile: { select: { name: true, kind: true, sizeBytes: true } },
} as const;
// BigInt columns: a download is far below 2^53 bytes, and plain numbers serialise to JSON.
export const toDownloadRow = (r: Prisma.DownloadLogGetPayload<{ include: typeof DOWNLOAD_INCLUDE }>): DownloadRow => ({
  id: r.id,
  createdAt: r.createdAt,
  user: r.user,
  fileName: r.datasetFile.name,
  fileKind: r.datasetFile.kind,
  bytesServed: Number(r.bytesServed),
  fileSize: Number(r.datasetFile.sizeBytes),
  rangeHeader: r.rangeHeader,
  ip: r.ip,
  userAgent: r.userAgent,
});

/** The download log (the licence's record of who got the images), newest first, one page. */
export async function listDownloadLogPage(options: { db: Db; query?: Partial<DownloadsQuery> }): Promise<ListPage<DownloadRow>> {
  const query = { ...DownloadsQuery.parse({}), ...options.query };
  const where = whereOf(query);
  const [rows, total] = await Promise.all([
    options.db.downloadLog.findMany({
      where,
      include: DOWNLOAD_INCLUDE,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
    options.db.downloadLog.count({ where }),
  ]);
  return { rows: rows.map(toDownloadRow), total, page: query.page, pageSize: query.pageSize };
}

/** Every matching download in id order, for the CSV export. */
export function iterateDownloadLogs(options: { db: Db; query?: Partial<DownloadsQuery> }): AsyncGenerator<DownloadRow> {
  const where = whereOf(options.query ?? {});
  return pageById(async (after, size) =>
    (
      await options.db.downloadLog.findMany({
        where: { AND: [where, after ? { id: { gt: after } } : {}] },
        include: DOWNLOAD_INCLUDE,
        orderBy: { id: "asc" },
        take: size,
      })
    ).map(toDownloadRow),
  );
}
