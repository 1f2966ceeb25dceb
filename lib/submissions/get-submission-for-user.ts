import type { Db } from "../db/client";
import type { UserRole } from "../db/enums";
import { AppError } from "../errors/app-error";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { SplitScores } from "../metrics/types";
import { getPhaseRules } from "./get-phase-rules";
import { getShownPublicScores, shownMainOf } from "./get-shown-public-scores";
import { toPublicScoresView } from "./public-scores-view";
import { SUMMARY_SELECT, toSubmissionSummary, type SubmissionDetail } from "./submission-views";

export function submissionNotFound(submissionId: string): AppError {
  return new AppError("not-found", {
    user: "There is no such submission.",
    internal: `submission ${submissionId} not found or not visible`,
  });
}

/**
 * One submission with its public scores, for its owner (or an organizer), as the phase's score
 * policy lets them be seen (lib/phases/score-policy.ts; organizers see everything).
 *
 * Someone else's submission is "not found", exactly like a missing one, never "forbidden":
 * a different answer would let anyone probe which ids exist. Private scores are returned only
 * once the phase's private leaderboard is revealed (getPhaseRules); before that they are not
 * even selected from the database.
 */
export async function getSubmissionForUser(options: {
  db: Db;
  submissionId: string;
  user: { id: string; role: UserRole | string; email?: string };
  /** Client address, for the audit record of an organizer opening someone else's submission. */
  ip?: string;
  now?: Date;
}): Promise<SubmissionDetail> {
  const { db, submissionId, user } = options;
  // cuids are ~25 characters; anything odd is simply not found (and never reaches the query).
  if (typeof submissionId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(submissionId)) throw submissionNotFound(String(submissionId));
  const isOrganizer = user.role === "organizer";
  // The reveal is the submission's own track's (each track has its phases).
  const track = (await db.submission.findUnique({ where: { id: submissionId }, select: { track: true } }))?.track;
  const [rules, shown] = await Promise.all([
    getPhaseRules({ db, now: options.now, track }),
    getShownPublicScores({ db, userId: user.id, role: user.role, now: options.now }),
  ]);
  const row = await db.submission.findFirst({
    where: isOrganizer ? { id: submissionId } : { id: submissionId, userId: user.id },
    select: {
      ...SUMMARY_SELECT,
      userId: true,
      sha256: true,
      startedAt: true,
      log: true,
      user: { select: { name: true } },
      score: {
        select: rules.privateRevealed
          ? { publicMain: true, public: true, privateMain: true, private: true }
          : { publicMain: true, public: true },
      },
    },
  });
  if (!row) throw submissionNotFound(submissionId);
  if (isOrganizer && row.userId !== user.id) {
    // An organizer reading a participant's submission (scores, sandbox log) is on the record.
    await recordAuditEvent({
      db,
      actor: { id: user.id, label: user.email ?? user.id, ip: options.ip },
      action: "submission.view",
      target: { type: "submission", id: submissionId },
      details: { owner: row.userId },
    });
  }

  const summary = toSubmissionSummary(row);
  // A generation entry's Score JSON has its own shape (lib/generation/read-generation-result.ts): no attribute views of it.
  const attributesScore = track !== "generation";
  const score =
    summary.publicMain === null || !attributesScore ? null : (row.score as { public: unknown; privateMain?: number; private?: unknown });
  return {
    ...summary,
    track: track ?? "attributes",
    sha256: row.sha256,
    startedAt: row.startedAt,
    log: row.log,
    // What the owner may see of the hidden public split (see toPublicScoresView): never the
    // per-class metrics or confusion matrices before the reveal, which would be a label oracle.
    publicMain: shownMainOf(shown, row.id, summary.publicMain),
    publicScores: score
      ? toPublicScoresView({ scores: score.public as SplitScores, policy: shown.policy, shown: shown.byId.get(row.id) })
      : null,
    privateMain:
      rules.privateRevealed && (score?.privateMain ?? undefined) !== undefined
        ? score!.privateMain!
        : rules.privateRevealed && !attributesScore
          ? ((row.score as { privateMain?: number } | null)?.privateMain ?? null)
          : null,
    privateScores: rules.privateRevealed && score?.private !== undefined ? (score.private as SplitScores) : null,
    privateRevealed: rules.privateRevealed,
    isOwner: row.userId === user.id,
    owner: { name: row.user.name },
  };
}
