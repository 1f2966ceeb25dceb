import { z } from "zod";
import { organizerActor } from "../audit/audit-actor";
import { recordAuditEvent } from "../audit/record-audit-event";
import type { Db, DbTransaction } from "../db/client";
import { AppError } from "../errors/app-error";
import { zodDetails } from "../errors/zod-details";
import { enqueueJob } from "../queue/enqueue-job";
import { AnnouncementAudience, audienceWhere, emailRecipientsWhere } from "./announcement-audience";

/** Longest banner: a year is longer than any challenge phase; an organizer clears it by posting again. */
const MAX_BANNER_MS = 366 * 24 * 3600 * 1000;

const noControl = (v: string) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v);

export const CreateAnnouncementInput = z
  .object({
    /** The e-mail's subject and the banner's text: one line. */
    title: z
      .string()
      .trim()
      .min(3, "must be at least 3 characters")
      .max(150, "must be at most 150 characters")
      .refine((v) => noControl(v) && !/[\r\n]/.test(v), "must be one line without control characters"),
    /** Plain text: shown escaped, paragraphs kept, web addresses made links, nothing else interpreted. */
    body: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(10_000, "must be at most 10000 characters")
      .refine(noControl, "must not contain control characters"),
    /** ISO time (UTC) until which the site shows it as a banner; empty or null: no banner. */
    bannerUntil: z
      .union([z.iso.datetime({ offset: true, message: "must be an ISO 8601 time such as 2026-12-31T23:59:59Z" }), z.literal(""), z.null()])
      .optional()
      .transform((v) => (v ? new Date(v) : null)),
    sendEmail: z.boolean().default(false),
    audience: AnnouncementAudience,
  })
  .strict();
export type CreateAnnouncementInput = z.input<typeof CreateAnnouncementInput>;

export interface CreatedAnnouncement {
  id: string;
  /** Participants the filter selected. */
  audience: number;
  /** E-mails that will go out (0 when sendEmail is off); sending runs in the background. */
  recipients: number;
  jobId: string | null;
}

/** The job that sends an announcement's first batch; later batches are chained by the handler. */
export function firstBatchKey(announcementId: string): string {
  return `send-announcement:${announcementId}:start`;
}

async function checkTargetExists(tx: DbTransaction, audience: AnnouncementAudience): Promise<void> {
  const fail = (field: string, message: string) =>
    new AppError("validation", { user: "Please check who the announcement is for.", details: [{ field, message }] });
  if (audience.kind === "submitted-in-phase" && !(await tx.phase.findUnique({ where: { id: audience.phaseId }, select: { id: true } })))
    throw fail("audience.phaseId", "there is no such phase");
  if (audience.kind === "team" && !(await tx.team.findUnique({ where: { id: audience.teamId }, select: { id: true } })))
    throw fail("audience.teamId", "there is no such team");
}

/**
 * Organizer: posts an announcement. It shows as a banner on every page until `bannerUntil`
 * (an audience other than "all" sees it only when signed in), and with `sendEmail` an e-mail goes
 * to every recipient who has not unsubscribed, in the background: one `send-announcement` job is
 * queued in the same transaction (scorer/handlers/send-announcement.ts sends in batches). The
 * recipients are those matching when it was posted: accounts created later are not mailed.
 * Audited in the same transaction (title, audience, counts; the body is on the row).
 */
export async function createAnnouncement(options: {
  db: Db;
  input: unknown;
  organizer: { id: string; email: string };
  ip?: string;
  now?: Date;
}): Promise<CreatedAnnouncement> {
  const parsed = CreateAnnouncementInput.safeParse(options.input);
  if (!parsed.success) throw new AppError("validation", { user: "Please check the announcement.", details: zodDetails(parsed.error) });
  const input = parsed.data;
  const now = options.now ?? new Date();
  const detail = (field: string, message: string) =>
    new AppError("validation", { user: "Please check the announcement.", details: [{ field, message }] });
  if (input.bannerUntil && input.bannerUntil.getTime() <= now.getTime())
    throw detail("bannerUntil", "is already past: choose a time in the future");
  if (input.bannerUntil && input.bannerUntil.getTime() - now.getTime() > MAX_BANNER_MS)
    throw detail("bannerUntil", "must be within a year");
  if (!input.bannerUntil && !input.sendEmail) throw detail("sendEmail", "choose a banner, an e-mail, or both: otherwise nobody sees it");

  return options.db.$transaction(async (tx) => {
    await checkTargetExists(tx, input.audience);
    const audience = await tx.user.count({ where: audienceWhere(input.audience) });
    const recipients = input.sendEmail ? await tx.user.count({ where: emailRecipientsWhere(input.audience) }) : 0;
    const row = await tx.announcement.create({
      data: {
        title: input.title,
        body: input.body,
        bannerUntil: input.bannerUntil,
        audience: input.audience,
        sendEmail: input.sendEmail,
        recipients,
        createdById: options.organizer.id,
        createdAt: now,
        // Nothing to send: done at once, so the console does not show it as sending forever.
        ...(input.sendEmail && recipients === 0 ? { emailedAt: now } : {}),
      },
    });
    const job =
      input.sendEmail && recipients > 0
        ? await enqueueJob({
            db: tx,
            type: "send-announcement",
            payload: { announcementId: row.id },
            idempotencyKey: firstBatchKey(row.id),
          })
        : null;
    await recordAuditEvent({
      db: tx,
      actor: organizerActor(options.organizer, options.ip),
      action: "announcement.create",
      target: { type: "announcement", id: row.id },
      details: {
        title: input.title,
        audience: input.audience,
        bannerUntil: input.bannerUntil?.toISOString() ?? null,
        sendEmail: input.sendEmail,
        audienceCount: audience,
        recipients,
      },
      now,
    });
    return { id: row.id, audience, recipients, jobId: job?.id ?? null };
  });
}
