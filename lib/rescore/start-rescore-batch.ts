import { z } from "zod";
import type { Db, RescoreBatch } from "../db/client";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { enqueueJob } from "../queue/enqueue-job";
import { resolveRescoreScope } from "./rescore-scope";

/**
 * One batch queues at most this many jobs in one transaction. 5,000 enqueues take about 10 s
 * on PostgreSQL (three statements each) and hold SQLite's write lock as long; a larger set is
 * split by the organizer with the list's filters (by date, by kind).
 */
export const MAX_RESCORE_BATCH = 5000;

/** Bulk rescores started within this window with the same scope and still running are one click, not two. */
const REPEAT_WINDOW_MS = 10 * 60_000;

const StartInput = z
  .object({
    scope: z.unknown(),
    /** The N the organizer confirmed; when the set changed since, nothing is queued and they confirm again. */
    expectedCount: z.number().int().min(0).optional(),
  })
  .strict();

/**
 * Organizer: scores a whole phase, or every submission the submissions list shows for a filter,
 * again. One RescoreBatch row, one `score-submission` job per submission (Job.batchId = the
 * batch; idempotency key batch + submission, so an enqueue retried inside the batch never
 * doubles a job), and the audit record, all in one transaction: the batch exists with all its
 * jobs or not at all.
 *
 * Like the per-submission rescore it never touches countsAgainstQuota or isFinal: the score
 * handler only replaces the Score row and the scoring fields. The submission stays "scored" with
 * its old score until the new one lands; its owner sees "being rescored" meanwhile
 * (lib/submissions/submission-views.ts reads the pending job).
 *
 * A second start of the same scope while a batch of it still has jobs waiting returns that
 * batch (`created: false`): a double click or two organizers queue the work once.
 */
export async function startRescoreBatch(options: {
  db: Db;
  input: unknown;
  actor?: AuditActor;
  now?: Date;
}): Promise<{ batch: RescoreBatch; created: boolean }> {
  const { db } = options;
  const parsed = StartInput.safeParse(options.input);
  if (!parsed.success) throw new AppError("validation", { user: "The rescore request is not valid.", details: zodDetails(parsed.error) });
  const scope = await resolveRescoreScope({ db, input: parsed.data.scope });
  const now = options.now ?? new Date();

  const repeat = await findRunningBatch(db, canonical(scope.filter), new Date(now.getTime() - REPEAT_WINDOW_MS));
  if (repeat) return { batch: repeat, created: false };

  const candidates = await db.submission.findMany({
    where: scope.where,
    select: { id: true, score: { select: { publicMain: true } } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: MAX_RESCORE_BATCH + 1,
  });
  if (candidates.length === 0)
    throw new AppError("validation", { user: "No scored submission matches, so there is nothing to rescore.", internal: scope.label });
  if (candidates.length > MAX_RESCORE_BATCH)
    throw new AppError("validation", {
      user: `More than ${MAX_RESCORE_BATCH.toLocaleString("en-US")} submissions match; narrow the filter (by date or kind) and rescore in parts.`,
    });
  const expected = parsed.data.expectedCount;
  if (expected !== undefined && expected !== candidates.length)
    throw new AppError("conflict", {
      user: `${candidates.length} submissions match now, not the ${expected} you confirmed. Check the number and confirm again.`,
    });

  const batch = await db.$transaction(
    async (tx) => {
      const created = await tx.rescoreBatch.create({
        data: {
          label: scope.label,
          filter: scope.filter,
          total: candidates.length,
          createdById: options.actor?.id ?? null,
          createdAt: now,
        },
      });
      for (const s of candidates) {
        await enqueueJob({
          db: tx,
          type: "score-submission",
          payload: { submissionId: s.id, previousPublicMain: s.score?.publicMain ?? null },
          submissionId: s.id,
          batchId: created.id,
          idempotencyKey: `rescore-batch:${created.id}:${s.id}`,
        });
      }
      await recordAuditEvent({
        db: tx,
        actor: options.actor,
        action: "rescore.batch",
        target: { type: "rescore-batch", id: created.id },
        details: { label: scope.label, filter: scope.filter, total: candidates.length },
        now,
      });
      return created;
    },
    // One statement per job: the default 5 s timeout is too short for thousands.
    { maxWait: 15_000, timeout: 120_000 },
  );
  return { batch, created: true };
}

async function findRunningBatch(db: Db, filterJson: string, since: Date): Promise<RescoreBatch | null> {
  const recent = await db.rescoreBatch.findMany({
    where: { createdAt: { gte: since }, jobs: { some: { status: { in: ["queued", "running"] } } } },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
  return recent.find((b) => canonical(b.filter) === filterJson) ?? null;
}

/** PostgreSQL's jsonb reorders keys (shorter first): compare filters with their keys sorted. */
function canonical(filter: unknown): string {
  const entries = Object.entries((filter ?? {}) as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}
