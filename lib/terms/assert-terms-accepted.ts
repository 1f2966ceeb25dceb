import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { getTermsStatus } from "./get-terms-status";

/** Where a participant reads and accepts the terms; error messages and pages link here. */
export const TERMS_PATH = "/terms";

/**
 * The terms gate of every dataset route (downloads, explorer images): AppError "forbidden" (403)
 * unless the user accepted the current version. The message says what to do, because an API
 * client (curl, a download manager) shows nothing else.
 */
export async function assertTermsAccepted(options: { db: Db; userId: string; currentVersion?: string }): Promise<void> {
  const status = await getTermsStatus(options);
  if (status.acceptedCurrent) return;
  const user = status.previousVersion
    ? `The dataset terms have changed since you accepted them. Read and accept the new version at ${TERMS_PATH} to continue.`
    : `You need to accept the dataset terms before you can get the data. Read and accept them at ${TERMS_PATH}.`;
  throw new AppError("forbidden", {
    user,
    internal: `terms ${status.currentVersion} not accepted by ${options.userId}`,
    details: [{ field: "terms", message: TERMS_PATH }],
  });
}
