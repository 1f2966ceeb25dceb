import type { Db } from "../db/client";
import { env } from "../env";
import { getSubmissionQuota, type SubmissionQuota } from "./get-submission-quota";

export interface UploadSettings {
  quota: SubmissionQuota;
  maxCsvBytes: number;
  maxModelBytes: number;
  /** Rows a predictions CSV must have (the test images); null while no dataset is registered. */
  testCount: number | null;
}

/**
 * What the submit page tells a participant before they upload: today's quota, the size limits
 * and the number of test rows, so the browser can refuse an obviously wrong file at once.
 */
export async function getUploadSettings(options: { db: Db; userId: string; role?: string; now?: Date }): Promise<UploadSettings> {
  const [quota, dataset] = await Promise.all([
    getSubmissionQuota({ db: options.db, userId: options.userId, role: options.role, now: options.now }),
    options.db.dataset.findFirst({ where: { isCurrent: true }, select: { testCount: true } }),
  ]);
  return {
    quota,
    maxCsvBytes: env().MAX_CSV_BYTES,
    maxModelBytes: env().MAX_MODEL_BYTES,
    testCount: dataset?.testCount ?? null,
  };
}
