import type { Db, Prisma } from "../db/client";

/** A job that has needed this many attempts or more is failing repeatedly (the first retry already failed). */
export const REPEATED_ATTEMPTS = 2;
/** The list shows the most recently updated problems first, at most this many. */
const MAX_ROWS = 200;

export type ProblemReason = "lease-expired" | "repeated-attempts" | "system-failure";

export interface ProblemJobRow {
  id: string;
  type: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  workerId: string | null;
  leaseExpiresAt: Date | null;
  /** The first line of lastError ("system: ..." / "user: ..."): the rest is a stack trace. */
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  batchId: string | null;
  submission: { id: string; userEmail: string } | null;
  reasons: ProblemReason[];
  /** requeueJob would accept it now (not running under a live lease, not done). */
  requeueable: boolean;
}

/**
 * Organizer: jobs that need a look. Running jobs whose lease expired (their worker died or hangs
 * and no worker has reclaimed them yet), jobs not done after two or more attempts, and jobs that
 * failed for good with a system failure (our fault: a requeue may fix it once the cause is
 * fixed). Done jobs are never listed, even after retries: they succeeded in the end.
 */
export async function listProblemJobs(options: { db: Db; now?: Date }): Promise<ProblemJobRow[]> {
  const now = options.now ?? new Date();
  const where: Prisma.JobWhereInput = {
    OR: [
      { status: "running", leaseExpiresAt: { lt: now } },
      { status: { in: ["queued", "running", "failed"] }, attempts: { gte: REPEATED_ATTEMPTS } },
      { status: "failed", lastError: { startsWith: "system:" } },
    ],
  };
  const jobs = await options.db.job.findMany({
    where,
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    take: MAX_ROWS,
    include: { submission: { select: { id: true, user: { select: { email: true } } } } },
  });
  return jobs.map((j) => {
    const leaseExpired = j.status === "running" && j.leaseExpiresAt !== null && j.leaseExpiresAt < now;
    const reasons: ProblemReason[] = [];
    if (leaseExpired) reasons.push("lease-expired");
    if (j.attempts >= REPEATED_ATTEMPTS) reasons.push("repeated-attempts");
    if (j.status === "failed" && j.lastError?.startsWith("system:")) reasons.push("system-failure");
    return {
      id: j.id,
      type: j.type,
      status: j.status,
      attempts: j.attempts,
      maxAttempts: j.maxAttempts,
      workerId: j.workerId,
      leaseExpiresAt: j.leaseExpiresAt,
      lastError: j.lastError?.split("\n")[0].slice(0, 300) ?? null,
      createdAt: j.createdAt,
      updatedAt: j.updatedAt,
      batchId: j.batchId,
      submission: j.submission ? { id: j.submission.id, userEmail: j.submission.user.email } : null,
      reasons,
      requeueable: j.status !== "running" || leaseExpired,
    };
  });
}
