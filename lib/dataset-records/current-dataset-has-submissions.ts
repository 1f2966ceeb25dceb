import type { Db } from "../db/client";

/** Whether the dataset currently served has any submission (then replacing it needs --force). */
export async function currentDatasetHasSubmissions(options: { db: Db }): Promise<boolean> {
  const count = await options.db.submission.count({ where: { dataset: { isCurrent: true } } });
  return count > 0;
}
