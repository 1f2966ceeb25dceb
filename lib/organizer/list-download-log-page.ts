import { z } from "zod";
import type { Db, Prisma } from "../db/client";
import { DatasetFileKind } from "../db/enums";
import { DateRange, PageQuery, TextFilter, createdAtRange, iterateById, readListPage, type ListPage } from "./organizer-list-query";

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
  return readListPage(
    query,
    async (window) =>
      (
        await options.db.downloadLog.findMany({
          where,
          include: DOWNLOAD_INCLUDE,
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          ...window,
        })
      ).map(toDownloadRow),
    () => options.db.downloadLog.count({ where }),
  );
}

/** Every matching download in id order, for the CSV export. */
export function iterateDownloadLogs(options: { db: Db; query?: Partial<DownloadsQuery> }): AsyncGenerator<DownloadRow> {
  return iterateById(
    whereOf(options.query ?? {}),
    (batch) => options.db.downloadLog.findMany({ ...batch, include: DOWNLOAD_INCLUDE }),
    (rows) => rows.map(toDownloadRow),
  );
}
