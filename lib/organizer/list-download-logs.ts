import type { Db } from "../db/client";

export interface DownloadLogRow {
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
}

/** Who downloaded what, newest first: the licence's audit trail, for the organizer dashboard. */
export async function listDownloadLogs(options: { db: Db; limit?: number }): Promise<DownloadLogRow[]> {
  const rows = await options.db.downloadLog.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(options.limit ?? 50, 1), 500),
    include: { user: { select: { id: true, email: true } }, datasetFile: { select: { name: true, kind: true, sizeBytes: true } } },
  });
  // BigInt columns: a download is far below 2^53 bytes, and plain numbers serialise to JSON.
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    user: r.user,
    fileName: r.datasetFile.name,
    fileKind: r.datasetFile.kind,
    bytesServed: Number(r.bytesServed),
    fileSize: Number(r.datasetFile.sizeBytes),
    rangeHeader: r.rangeHeader,
    ip: r.ip,
  }));
}
