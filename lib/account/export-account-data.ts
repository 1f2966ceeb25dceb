import type { Db } from "../db/client";
import { listApiTokens } from "../auth/list-api-tokens";
import { listUserSubmissions } from "../submissions/list-user-submissions";

/**
 * Everything the platform keeps about a user, as one JSON-ready object ("download my data"):
 * the account, terms acceptances, downloads, sessions, API tokens (never their secrets or
 * hashes) and submissions with their public main score as the phase's score policy shows it,
 * exactly what the submissions list shows: nothing of the hidden split the policy withholds.
 */
export async function exportAccountData(options: { db: Db; userId: string; now?: Date }) {
  const { db, userId } = options;
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, email: true, name: true, role: true, emailVerifiedAt: true, createdAt: true, updatedAt: true },
  });
  const [termsAcceptances, downloads, sessions, apiTokens, submissions] = await Promise.all([
    db.termsAcceptance.findMany({
      where: { userId },
      orderBy: { acceptedAt: "asc" },
      select: { termsVersion: true, acceptedAt: true, ip: true },
    }),
    db.downloadLog.findMany({
      where: { userId },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true, bytesServed: true, rangeHeader: true, ip: true, userAgent: true, datasetFile: { select: { name: true } } },
    }),
    db.session.findMany({
      where: { userId },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true, renewedAt: true, expiresAt: true, ip: true, userAgent: true },
    }),
    listApiTokens({ db, userId, now: options.now }),
    listUserSubmissions({ db, userId, role: user.role, limit: 100_000, now: options.now }),
  ]);
  return {
    exportedAt: (options.now ?? new Date()).toISOString(),
    account: user,
    termsAcceptances,
    downloads: downloads.map(({ datasetFile, bytesServed, ...d }) => ({ ...d, file: datasetFile.name, bytesServed: Number(bytesServed) })),
    sessions: sessions.map(({ renewedAt, ...s }) => ({ ...s, lastUsedAt: renewedAt })),
    apiTokens: apiTokens.map(({ id: _id, ...t }) => t),
    submissions,
  };
}
