import type { Db } from "../db/client";
import { DOWNLOAD_INCLUDE, toDownloadRow, type DownloadRow } from "./list-download-log-page";

export type DownloadLogRow = DownloadRow;

/** Who downloaded what, newest first: the licence's audit trail, for the organizer dashboard. */
export async function listDownloadLogs(options: { db: Db; limit?: number }): Promise<DownloadLogRow[]> {
  const rows = await options.db.downloadLog.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 500),
    include: DOWNLOAD_INCLUDE,
  });
  return rows.map(toDownloadRow);
}
