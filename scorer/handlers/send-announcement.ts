import { sendAnnouncementBatch } from "../../lib/announcements/send-announcement-batch";
import type { JobHandler, JobPayload } from "../../lib/queue/job-types";

/**
 * Sends one batch of an announcement's e-mails and queues the next (lib/announcements/send-announcement-batch.ts
 * keeps the per-recipient cursor in the job's payload, so a retried job never mails anyone twice).
 * A refused SMTP delivery throws: a system failure, retried with back-off from the same recipient.
 */
export const sendAnnouncementHandler: JobHandler<JobPayload<"send-announcement">> = {
  async run({ db, job, workerId, payload, signal, log }) {
    const outcome = await sendAnnouncementBatch({
      db,
      jobId: job.id,
      workerId,
      announcementId: payload.announcementId,
      after: payload.after,
      signal,
    });
    if (outcome.kind === "lease-lost")
      return { ok: false, kind: "system", message: "The job was taken over by another worker.", retry: false };
    if (outcome.kind === "stopped") throw new Error(`stopped after ${outcome.sent} message(s); continues from the cursor`);
    log(`announcement ${payload.announcementId}: ${outcome.sent} e-mail(s) sent`);
    return { ok: true, commit: outcome.commit };
  },
};
