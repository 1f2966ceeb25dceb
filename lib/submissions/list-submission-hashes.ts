import type { Db } from "../db/client";

export interface EarlierUpload {
  id: string;
  sha256: string;
  fileName: string;
  createdAt: Date;
  status: string;
}

/**
 * The SHA-256 of each file the user uploaded before (newest first, one line per hash), so the
 * submit form can warn before a slot is spent on an identical file: the browser hashes the
 * picked file and compares. Failures on our side (not counted against the quota) are left
 * out: submitting that file again is the right thing to do. Only the user's own rows.
 */
export async function listSubmissionHashes(options: { db: Db; userId: string; limit?: number }): Promise<EarlierUpload[]> {
  const rows = await options.db.submission.findMany({
    where: { userId: options.userId, countsAgainstQuota: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit ?? 500,
    select: { id: true, sha256: true, fileName: true, createdAt: true, status: true },
  });
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.sha256) && seen.add(r.sha256));
}
