import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

/**
 * One account as an organizer sees it: its standing, submissions (newest 200), downloads (newest
 * 200), terms acceptances, live sessions (address and browser, never the token) and API tokens
 * (name, prefix, last use; never the token).
 */
export async function getParticipant(options: { db: Db; userId: string }) {
  const { db, userId } = options;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(userId)) throw notFound(userId);
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      name: true,
      email: true,
      role: true,
      emailVerifiedAt: true,
      createdAt: true,
      deletedAt: true,
      status: true,
      statusReason: true,
      statusChangedAt: true,
      statusChangedById: true,
    },
  });
  if (!user) throw notFound(userId);
  const [submissions, downloads, acceptances, sessions, apiTokens, changedBy] = await Promise.all([
    db.submission.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 200,
      select: {
        id: true,
        createdAt: true,
        kind: true,
        fileName: true,
        status: true,
        isFinal: true,
        disqualifiedAt: true,
        score: { select: { publicMain: true, privateMain: true } },
      },
    }),
    db.downloadLog.findMany({
      where: { userId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 200,
      select: { id: true, createdAt: true, bytesServed: true, ip: true, datasetFile: { select: { name: true } } },
    }),
    db.termsAcceptance.findMany({
      where: { userId },
      orderBy: { acceptedAt: "desc" },
      select: { id: true, termsVersion: true, acceptedAt: true, ip: true },
    }),
    db.session.findMany({
      where: { userId },
      orderBy: { renewedAt: "desc" },
      select: { id: true, createdAt: true, renewedAt: true, expiresAt: true, ip: true, userAgent: true },
    }),
    db.apiToken.findMany({
      where: { userId },
      orderBy: { createdAt: "desc" },
      select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, expiresAt: true },
    }),
    user.statusChangedById ? db.user.findUnique({ where: { id: user.statusChangedById }, select: { email: true } }) : null,
  ]);
  return {
    user: { ...user, emailVerified: user.emailVerifiedAt !== null, statusChangedBy: changedBy?.email ?? null },
    submissions: submissions.map(({ score, ...s }) => ({
      ...s,
      publicMain: score?.publicMain ?? null,
      privateMain: score?.privateMain ?? null,
    })),
    downloads: downloads.map((d) => ({
      id: d.id,
      createdAt: d.createdAt,
      fileName: d.datasetFile.name,
      bytesServed: Number(d.bytesServed),
      ip: d.ip,
    })),
    acceptances: acceptances.map((a) => ({ ...a, ip: a.ip ?? "" })),
    sessions,
    apiTokens,
  };
}
export type ParticipantDetail = Awaited<ReturnType<typeof getParticipant>>;

function notFound(userId: string): AppError {
  return new AppError("not-found", { user: "There is no such participant.", internal: `user ${userId}` });
}
