import type { Db } from "../db/client";
import { resolveRescoreScope } from "./rescore-scope";

/** How many submissions a bulk rescore of this scope would queue now (the number the confirmation shows). */
export async function countRescoreCandidates(options: { db: Db; scope: unknown }): Promise<{ label: string; count: number }> {
  const scope = await resolveRescoreScope({ db: options.db, input: options.scope });
  return { label: scope.label, count: await options.db.submission.count({ where: scope.where }) };
}
