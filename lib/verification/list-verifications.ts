import type { Db } from "../db/client";

export interface VerificationListRow {
  id: string;
  status: string;
  outcome: string;
  note: string;
  requestedAt: Date;
  uploadedAt: Date | null;
  rerunAt: Date | null;
  code: { name: string; size: number } | null;
  model: { name: string; size: number } | null;
  rerunPublicMain: number | null;
  rerunPrivateMain: number | null;
  submission: { id: string; kind: string; createdAt: Date; publicMain: number | null; privateMain: number | null };
  user: { id: string; email: string; name: string };
}

/** Organizer: every winner verification, the most recently requested first (a challenge has a handful). */
export async function listVerifications(options: { db: Db; take?: number }): Promise<VerificationListRow[]> {
  const rows = await options.db.winnerVerification.findMany({
    orderBy: [{ requestedAt: "desc" }, { id: "asc" }],
    take: Math.min(options.take ?? 200, 500),
    include: {
      submission: {
        select: {
          id: true,
          kind: true,
          createdAt: true,
          score: { select: { publicMain: true, privateMain: true } },
          user: { select: { id: true, email: true, name: true } },
        },
      },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    outcome: r.outcome,
    note: r.note,
    requestedAt: r.requestedAt,
    uploadedAt: r.uploadedAt,
    rerunAt: r.rerunAt,
    code: r.codeFileKey ? { name: r.codeFileName ?? "code", size: r.codeFileSize ?? 0 } : null,
    model: r.modelFileKey ? { name: r.modelFileName ?? "model", size: r.modelFileSize ?? 0 } : null,
    rerunPublicMain: r.rerunPublicMain,
    rerunPrivateMain: r.rerunPrivateMain,
    submission: {
      id: r.submission.id,
      kind: r.submission.kind,
      createdAt: r.submission.createdAt,
      publicMain: r.submission.score?.publicMain ?? null,
      privateMain: r.submission.score?.privateMain ?? null,
    },
    user: r.submission.user,
  }));
}
