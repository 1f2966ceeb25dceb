import type { Db, DbTransaction } from "../db/client";
import { env } from "../env";
import { sendMail, type MailMessage, type MailSettings } from "../mail/send-mail";
import { enqueueJob } from "../queue/enqueue-job";
import { AnnouncementAudience, emailRecipientsWhere } from "./announcement-audience";
import { announcementMessage } from "./announcement-mail";
import { createUnsubscribeToken } from "./unsubscribe-token";

/**
 * Messages per job. Each job of the chain sends this many and queues the next: a worker never
 * holds one job for long (a few seconds at a typical SMTP relay's 10-20 messages a second), so a
 * restart loses little and other jobs (scoring) interleave with a large mailing.
 */
export const ANNOUNCEMENT_BATCH_SIZE = 50;

export type BatchOutcome =
  /** Sent this batch; `commit` queues the next one or marks the announcement as sent. */
  | { kind: "sent"; sent: number; commit: (tx: DbTransaction) => Promise<void> }
  /** Another worker holds the job now, or this one is stopping: the job continues from the cursor. */
  | { kind: "lease-lost"; sent: number }
  | { kind: "stopped"; sent: number };

/**
 * Sends one batch of an announcement's e-mails, for the `send-announcement` job.
 *
 * Idempotency per announcement and recipient: recipients are taken in user-id order after a
 * cursor kept in the job's own payload (`after`). Before each message the cursor moves past the
 * recipient and emailedCount goes up, in one transaction that only succeeds while this worker
 * still holds the job's lease; only then is the message sent. A retried or reclaimed job starts
 * after the cursor, so nobody gets a message twice, and two workers can never both claim a
 * recipient. If the mail server refuses, the claim is undone (cursor and count back) and the job
 * fails to be retried with back-off from that recipient. The one gap is a crash between the claim
 * and the SMTP server's answer: that recipient is skipped rather than mailed twice (at most once).
 *
 * Who is sent to is decided per batch, at send time: the audience as posted, minus anyone who
 * unsubscribed, was suspended, banned or deleted since, and no account created after the
 * announcement.
 */
export async function sendAnnouncementBatch(options: {
  db: Db;
  jobId: string;
  workerId: string;
  announcementId: string;
  after?: string;
  batchSize?: number;
  publicUrl?: string;
  mailSettings?: MailSettings;
  /** Unsubscribe token secret (tests); default the instance's. */
  secret?: string;
  signal?: AbortSignal;
  now?: () => Date;
}): Promise<BatchOutcome> {
  const { db, jobId, workerId, announcementId } = options;
  const batchSize = options.batchSize ?? ANNOUNCEMENT_BATCH_SIZE;
  const now = options.now ?? (() => new Date());
  const publicUrl = (options.publicUrl ?? env().publicUrl).replace(/\/+$/, "");
  const announcement = await db.announcement.findUnique({ where: { id: announcementId } });
  // Gone or never meant for e-mail: nothing to do, and nothing to retry.
  if (!announcement || !announcement.sendEmail) return { kind: "sent", sent: 0, commit: async () => {} };
  const audience = AnnouncementAudience.parse(announcement.audience);
  const recipients = await db.user.findMany({
    where: {
      AND: [
        emailRecipientsWhere(audience),
        { createdAt: { lte: announcement.createdAt } },
        options.after ? { id: { gt: options.after } } : {},
      ],
    },
    orderBy: { id: "asc" },
    take: batchSize,
    select: { id: true, email: true, name: true },
  });

  /** Moves the cursor to `to` and the count by `delta`, only while this worker holds the job. */
  const moveCursor = (to: string | undefined, delta: 1 | -1) =>
    db.$transaction(async (tx) => {
      const held = await tx.job.updateMany({
        where: { id: jobId, workerId, status: "running" },
        data: { payload: to ? { announcementId, after: to } : { announcementId } },
      });
      if (held.count !== 1) return false;
      await tx.announcement.update({ where: { id: announcementId }, data: { emailedCount: { increment: delta } } });
      return true;
    });

  let cursor = options.after;
  let sent = 0;
  for (const user of recipients) {
    if (options.signal?.aborted) return { kind: "stopped", sent };
    if (!(await moveCursor(user.id, 1))) return { kind: "lease-lost", sent };
    const token = encodeURIComponent(createUnsubscribeToken({ userId: user.id, secret: options.secret }));
    const message: MailMessage = announcementMessage({
      to: user.email,
      name: user.name,
      title: announcement.title,
      body: announcement.body,
      unsubscribeUrl: `${publicUrl}/unsubscribe?token=${token}`,
      oneClickUrl: `${publicUrl}/api/unsubscribe?token=${token}`,
    });
    try {
      await sendMail({ message, settings: options.mailSettings });
    } catch (error) {
      await moveCursor(cursor, -1);
      throw error;
    }
    cursor = user.id;
    sent++;
  }

  const more = recipients.length === batchSize;
  const last = cursor;
  return {
    kind: "sent",
    sent,
    commit: async (tx) => {
      if (more && last) {
        // Keyed by the cursor: a commit that somehow ran twice cannot fork the chain.
        await enqueueJob({
          db: tx,
          type: "send-announcement",
          payload: { announcementId, after: last },
          idempotencyKey: `send-announcement:${announcementId}:after:${last}`,
        });
      } else {
        await tx.announcement.update({ where: { id: announcementId }, data: { emailedAt: now() } });
      }
    },
  };
}
