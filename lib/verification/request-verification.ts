import { z } from "zod";
import type { Db } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import type { AuditActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import { loadLeaderboardSnapshot } from "../leaderboard/load-leaderboard-snapshot";
import { sendMail } from "../mail/send-mail";
import { verificationRequestMessage } from "./verification-mail";

/** The top of a board asked at once; more than this is not "the winners". */
export const MAX_VERIFICATION_TOP = 50;

const Note = z.string().trim().max(1000).default("");
export const RequestVerificationInput = z.union([
  z.object({ submissionId: z.string().trim().min(1).max(64), note: Note }).strict(),
  z
    .object({
      phaseId: z.string().trim().min(1).max(100),
      board: z.enum(["public", "private"]),
      top: z.number().int().min(1).max(MAX_VERIFICATION_TOP),
      note: Note,
    })
    .strict(),
]);

export interface RequestVerificationResult {
  /** Verifications created by this request, in board order. */
  requested: { id: string; submissionId: string }[];
  /** Submissions that already had one (left as they are, no second e-mail). */
  alreadyRequested: string[];
  /** E-mails that could not be sent (the SMTP server refused); the requests stand, the page shows them. */
  mailFailures: number;
}

/**
 * Organizer: marks submissions as "verification requested" (the top N of a phase's public or
 * private board, or one submission) and e-mails each owner a link to the upload page
 * (/submissions/<id>/verification). The rows and the audit record commit together; the e-mails
 * go after the commit, so a refused e-mail never undoes the request.
 *
 * The top N are the board's participants in official order (baselines are references, not
 * winners); the private board only once it is revealed (before, its order is unknown to the web
 * process by design, lib/leaderboard/load-leaderboard-snapshot.ts).
 */
export async function requestVerification(options: {
  db: Db;
  input: unknown;
  actor?: AuditActor;
  sendMessage?: typeof sendMail;
  now?: Date;
}): Promise<RequestVerificationResult> {
  const { db } = options;
  const parsed = RequestVerificationInput.safeParse(options.input);
  if (!parsed.success)
    throw new AppError("validation", {
      user: "Say which submission or which top of a board to verify.",
      details: zodDetails(parsed.error),
    });
  const input = parsed.data;
  const submissionIds = "submissionId" in input ? [await checkSubmission(db, input.submissionId)] : await topOfBoard(db, input);
  if (submissionIds.length === 0) throw new AppError("validation", { user: "No participant is on this board yet." });

  const now = options.now ?? new Date();
  const result = await db.$transaction(async (tx) => {
    const existing = await tx.winnerVerification.findMany({
      where: { submissionId: { in: submissionIds } },
      select: { submissionId: true },
    });
    const had = new Set(existing.map((e) => e.submissionId));
    const requested: { id: string; submissionId: string }[] = [];
    for (const submissionId of submissionIds) {
      if (had.has(submissionId)) continue;
      const row = await tx.winnerVerification.create({
        data: { submissionId, requestedById: options.actor?.id ?? null, requestedAt: now, note: input.note },
      });
      requested.push({ id: row.id, submissionId });
    }
    if (requested.length > 0)
      await recordAuditEvent({
        db: tx,
        actor: options.actor,
        action: "verification.request",
        target: { type: "verification", id: "submissionId" in input ? input.submissionId : input.phaseId },
        details: {
          scope:
            "submissionId" in input ? { submissionId: input.submissionId } : { phaseId: input.phaseId, board: input.board, top: input.top },
          submissionIds: requested.map((r) => r.submissionId),
        },
        now,
      });
    // The leaderboard's change check reads the latest Submission.updatedAt: the badges show at once.
    if (requested.length > 0)
      await tx.submission.updateMany({ where: { id: { in: requested.map((r) => r.submissionId) } }, data: { updatedAt: now } });
    return { requested, alreadyRequested: submissionIds.filter((id) => had.has(id)) };
  });

  const send = options.sendMessage ?? sendMail;
  let mailFailures = 0;
  const owners = await db.submission.findMany({
    where: { id: { in: result.requested.map((r) => r.submissionId) } },
    select: { id: true, user: { select: { email: true, name: true } } },
  });
  for (const owner of owners) {
    const link = `${env().publicUrl}/submissions/${owner.id}/verification`;
    try {
      await send({ message: verificationRequestMessage({ to: owner.user.email, name: owner.user.name, link, note: input.note }) });
    } catch (error) {
      mailFailures++;
      console.warn(`verification request e-mail for submission ${owner.id} failed: ${(error as Error).message}`);
    }
  }
  return { ...result, mailFailures };
}

async function checkSubmission(db: Db, submissionId: string): Promise<string> {
  const s = await db.submission.findUnique({ where: { id: submissionId }, select: { id: true, status: true, baselineId: true } });
  if (!s) throw new AppError("not-found", { user: "This submission does not exist.", internal: `submission ${submissionId}` });
  if (s.baselineId) throw new AppError("validation", { user: "Baselines are the organizers' own references; they need no verification." });
  if (s.status !== "scored")
    throw new AppError("validation", { user: "Only a scored submission can be verified (its score is what the rerun must reproduce)." });
  return s.id;
}

async function topOfBoard(db: Db, input: { phaseId: string; board: "public" | "private"; top: number }): Promise<string[]> {
  const snapshot = await loadLeaderboardSnapshot({ db, phaseId: input.phaseId });
  if (input.board === "private" && !snapshot.phaseState.privateRevealed)
    throw new AppError("validation", {
      user: "The private board of this phase is not revealed yet: reveal it first, or take the top of the public board.",
    });
  const entries = snapshot.competitors.flatMap((c) => {
    if (c.kind !== "participant") return [];
    const entry = input.board === "public" ? c.best : c.bestPrivate;
    return entry ? [entry] : [];
  });
  // The official order (lib/leaderboard/build-leaderboard-rows.ts): best main first, ties to the earlier submission, then the id.
  entries.sort((a, b) => b.main - a.main || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  return entries.slice(0, input.top).map((e) => e.id);
}
