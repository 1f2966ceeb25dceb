import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { appError } from "../../test-support/app-error-of";
import { startSmtpInbox, type ReceivedMail } from "../../test-support/mail/smtp-inbox";
import { createFixtureDatasetRow, createFixtureSubmission, createFixtureUser } from "../../test-support/organizer/organizer-fixtures";
import { describeEachEngine } from "../../test-support/test-db";
import { claimNextJob } from "../queue/claim-next-job";
import { completeJob } from "../queue/complete-job";
import { parseJobPayload } from "../queue/job-types";
import { countAnnouncementRecipients } from "./count-announcement-recipients";
import { createAnnouncement } from "./create-announcement";
import { linkifyPlainText } from "./announcement-mail";
import { listActiveAnnouncements } from "./list-active-announcements";
import { sendAnnouncementBatch } from "./send-announcement-batch";
import { setAnnouncementPreference } from "./set-announcement-preference";
import { readUnsubscribeLink, unsubscribeFromAnnouncements } from "./unsubscribe-from-announcements";
import { createUnsubscribeToken, verifyUnsubscribeToken } from "./unsubscribe-token";

const SECRET = "test-secret-for-unsubscribe-tokens";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-announce-"));
let inbox: Awaited<ReturnType<typeof startSmtpInbox>>;
beforeAll(async () => {
  inbox = await startSmtpInbox();
});
afterAll(async () => {
  await inbox.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const decoded = (m: ReceivedMail) =>
  m.raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

describeEachEngine("announcements", (t) => {
  let organizer: { id: string; email: string };
  beforeAll(async () => {
    organizer = await createFixtureUser({ db: t.db, role: "organizer" });
  });
  beforeEach(async () => {
    await t.db.job.deleteMany();
    await t.db.announcement.deleteMany();
    await t.db.submission.deleteMany();
    await t.db.user.deleteMany({ where: { role: "participant" } });
    inbox.messages.length = 0;
  });

  const participant = async (data: Record<string, unknown> = {}) => {
    const u = await createFixtureUser({ db: t.db });
    return t.db.user.update({ where: { id: u.id }, data: { emailVerifiedAt: new Date(Date.now() - 60_000), ...data } });
  };
  /**
   * One batch of an announcement's e-mails, as the worker's handler sends it, but to the test's
   * SMTP inbox (or `smtpUrl`), with the test's public address and unsubscribe secret.
   */
  const sendBatch = (options: {
    jobId: string;
    workerId: string;
    announcementId: string;
    after?: string;
    batchSize?: number;
    smtpUrl?: string;
  }) => {
    const { smtpUrl = inbox.url, ...batch } = options;
    return sendAnnouncementBatch({
      db: t.db,
      ...batch,
      publicUrl: "https://challenge.example.org",
      mailSettings: { smtpUrl, from: "TP <tp@example.org>", dataDir },
      secret: SECRET,
    });
  };

  /** Runs the job chain of an announcement like a worker would, batch by batch. */
  async function runChain(options: { batchSize: number }) {
    const workerId = "test-worker";
    for (let n = 0; n < 100; n++) {
      const job = await claimNextJob({ db: t.db, workerId, leaseMs: 60_000, types: ["send-announcement"] });
      if (!job) return;
      const payload = parseJobPayload("send-announcement", job.payload);
      const outcome = await sendBatch({ jobId: job.id, workerId, ...payload, batchSize: options.batchSize });
      if (outcome.kind !== "sent") throw new Error(outcome.kind);
      await completeJob({ db: t.db, jobId: job.id, workerId, commit: outcome.commit });
    }
  }

  it("selects the audience: verified, active, not deleted participants, filtered by phase, terms, team or address", async () => {
    const dataset = await createFixtureDatasetRow({ db: t.db });
    const phase = await t.db.phase.create({
      data: { name: `P-${Date.now()}`, startsAt: new Date(0), endsAt: new Date(Date.now() + 1e9), dailyLimit: 5 },
    });
    const a = await participant();
    const b = await participant();
    await participant({ emailVerifiedAt: null });
    await participant({ status: "banned" });
    await participant({ status: "suspended" });
    await participant({ deletedAt: new Date() });
    const optedOut = await participant({ announcementsOptOutAt: new Date() });
    const s = await createFixtureSubmission({ db: t.db, userId: a.id, datasetId: dataset.id });
    await t.db.submission.update({ where: { id: s.id }, data: { phaseId: phase.id } });
    await t.db.termsAcceptance.create({ data: { userId: b.id, termsVersion: "2099-01-01" } });

    expect(await countAnnouncementRecipients({ db: t.db, audience: { kind: "all" } })).toEqual({ audience: 3, emailRecipients: 2 });
    expect(await countAnnouncementRecipients({ db: t.db, audience: { kind: "submitted-in-phase", phaseId: phase.id } })).toEqual({
      audience: 1,
      emailRecipients: 1,
    });
    expect(await countAnnouncementRecipients({ db: t.db, audience: { kind: "accepted-terms", version: "2099-01-01" } })).toEqual({
      audience: 1,
      emailRecipients: 1,
    });
    expect(
      await countAnnouncementRecipients({
        db: t.db,
        audience: { kind: "emails", emails: `${a.email}, ${optedOut.email}\nnobody@example.org` },
      }),
    ).toEqual({ audience: 2, emailRecipients: 1 });
    const bad = await appError(countAnnouncementRecipients({ db: t.db, audience: { kind: "emails", emails: "not-an-address" } }));
    expect(bad.code).toBe("validation");
    expect(bad.details?.[0].field).toMatch(/^audience\.emails/);
    expect((await appError(countAnnouncementRecipients({ db: t.db, audience: { kind: "everyone" } }))).code).toBe("validation");
    // A phase that does not exist is refused when posting, nothing is written.
    const err = await appError(
      createAnnouncement({
        db: t.db,
        organizer,
        input: { title: "Hello", body: "x", sendEmail: true, audience: { kind: "submitted-in-phase", phaseId: "nope" } },
      }),
    );
    expect(err.details?.[0]).toMatchObject({ field: "audience.phaseId" });
    expect(await t.db.announcement.count()).toBe(0);
  });

  it("validates the announcement and records it in the audit trail with its job", async () => {
    const input = { title: "Phase 2 opens", body: "See https://example.org.", sendEmail: true, audience: { kind: "all" } };
    for (const [patch, field] of [
      [{ title: "" }, "title"],
      [{ title: "two\nlines" }, "title"],
      [{ body: "" }, "body"],
      [{ bannerUntil: "yesterday" }, "bannerUntil"],
      [{ bannerUntil: new Date(Date.now() - 1000).toISOString() }, "bannerUntil"],
      [{ sendEmail: false }, "sendEmail"],
      [{ extra: 1 }, ""],
    ] as const) {
      const e = await appError(createAnnouncement({ db: t.db, organizer, input: { ...input, ...patch } }));
      expect(e.code, JSON.stringify(patch)).toBe("validation");
      if (field) expect(e.details?.map((d) => d.field)).toContain(field);
    }
    expect(await t.db.announcement.count()).toBe(0);
    await participant();
    const created = await createAnnouncement({ db: t.db, organizer, ip: "203.0.113.9", input });
    expect(created).toMatchObject({ audience: 1, recipients: 1 });
    expect(await t.db.job.findUnique({ where: { id: created.jobId! } })).toMatchObject({ type: "send-announcement", status: "queued" });
    expect(await t.db.auditEvent.findFirst({ where: { action: "announcement.create", targetId: created.id } })).toMatchObject({
      actorId: organizer.id,
      ip: "203.0.113.9",
      targetType: "announcement",
    });
  });

  it("sends each recipient one e-mail with a working unsubscribe link and List-Unsubscribe headers, skipping opt-outs", async () => {
    const people = await Promise.all([participant(), participant(), participant(), participant(), participant()]);
    await setAnnouncementPreference({ db: t.db, userId: people[4].id, subscribed: false });
    const created = await createAnnouncement({
      db: t.db,
      organizer,
      input: {
        title: "Deadline moved",
        body: "The final phase ends <b>later</b>.\n\nDetails: https://example.org/rules.",
        sendEmail: true,
        audience: { kind: "all" },
      },
    });
    expect(created.recipients).toBe(4);
    await runChain({ batchSize: 2 });
    await vi.waitFor(() => expect(inbox.messages).toHaveLength(4));
    const to = inbox.messages.flatMap((m) => m.to).sort();
    expect(to).toEqual(
      people
        .slice(0, 4)
        .map((p) => p.email)
        .sort(),
    );
    const row = await t.db.announcement.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.emailedCount).toBe(4);
    expect(row.emailedAt).not.toBeNull();
    // 4 recipients in batches of 2: three jobs (the last finds nobody left and marks it sent).
    expect(await t.db.job.count({ where: { type: "send-announcement", status: "done" } })).toBe(3);
    // Header lines folded by the mailer are unfolded (RFC 5322 2.2.3) before matching.
    const mail = decoded(inbox.messages[0]).replace(/\r?\n[ \t]+/g, " ");
    expect(mail).toContain("List-Unsubscribe: <https://challenge.example.org/api/unsubscribe?token=");
    expect(mail).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(mail).toContain("&#60;b&#62;later&#60;/b&#62;"); // the HTML part escapes the organizer's text
    expect(mail).toContain('<a href="https://example.org/rules">https://example.org/rules</a>.');
    const token = /\/unsubscribe\?token=([A-Za-z0-9_%-]+)/.exec(mail)![1];
    expect(verifyUnsubscribeToken({ token: decodeURIComponent(token), secret: SECRET })).toBe(
      people.find((p) => p.email === inbox.messages[0].to[0])!.id,
    );
  });

  it("a retried job does not mail anyone twice: the cursor survives a refused delivery and another worker cannot claim", async () => {
    const people = await Promise.all([participant(), participant(), participant()]);
    const created = await createAnnouncement({
      db: t.db,
      organizer,
      input: { title: "Retry", body: "x", sendEmail: true, audience: { kind: "all" } },
    });
    // A worker that lost its lease sends nothing.
    const job = (await claimNextJob({ db: t.db, workerId: "w1", leaseMs: 60_000, types: ["send-announcement"] }))!;
    const lost = await sendBatch({ jobId: job.id, workerId: "someone-else", announcementId: created.id });
    expect(lost.kind).toBe("lease-lost");
    expect(inbox.messages).toHaveLength(0);
    // One message goes out, then the mail server is unreachable: the job fails after the first recipient.
    const first = await sendBatch({ jobId: job.id, workerId: "w1", announcementId: created.id, batchSize: 1 });
    expect(first.kind).toBe("sent");
    const afterFirst = parseJobPayload("send-announcement", (await t.db.job.findUniqueOrThrow({ where: { id: job.id } })).payload);
    expect(afterFirst.after).toBeDefined();
    await expect(
      sendBatch({ jobId: job.id, workerId: "w1", announcementId: created.id, after: afterFirst.after, smtpUrl: "smtp://127.0.0.1:9" }),
    ).rejects.toThrow();
    // The refused recipient's claim was undone: the cursor and the count are where the last success left them.
    const stored = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(parseJobPayload("send-announcement", stored.payload).after).toBe(afterFirst.after);
    expect((await t.db.announcement.findUniqueOrThrow({ where: { id: created.id } })).emailedCount).toBe(1);
    // The retry (the job as stored) continues from there; the whole chain mails everyone once.
    await t.db.job.update({ where: { id: job.id }, data: { status: "queued", workerId: null, leaseExpiresAt: null } });
    await runChain({ batchSize: 10 });
    await vi.waitFor(() => expect(inbox.messages).toHaveLength(3));
    expect(inbox.messages.flatMap((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    expect((await t.db.announcement.findUniqueOrThrow({ where: { id: created.id } })).emailedCount).toBe(3);
  });

  it("unsubscribe tokens: tampered ones are refused, reading a link changes nothing, the POST opts out once, re-subscribing works", async () => {
    const p = await participant();
    const token = createUnsubscribeToken({ userId: p.id, secret: SECRET });
    for (const bad of [
      `${token.slice(0, -1)}${token.endsWith("0") ? "1" : "0"}`,
      token.slice(0, -4),
      `${(await participant()).id}_${token.split("_")[1]}`,
      "",
      "no-underscore",
      42,
    ]) {
      expect((await appError(unsubscribeFromAnnouncements({ db: t.db, token: bad, secret: SECRET }))).code).toBe("validation");
    }
    expect(createUnsubscribeToken({ userId: p.id, secret: "another-instance-secret" })).not.toBe(token);
    expect(await readUnsubscribeLink({ db: t.db, token, secret: SECRET })).toEqual({
      maskedEmail: expect.stringMatching(/^us\*\*\*@example\.test$/),
      optedOut: false,
    });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: p.id } })).announcementsOptOutAt).toBeNull();
    expect(await unsubscribeFromAnnouncements({ db: t.db, token, secret: SECRET })).toMatchObject({ changed: true });
    expect(await unsubscribeFromAnnouncements({ db: t.db, token, secret: SECRET })).toMatchObject({ changed: false });
    expect(await countAnnouncementRecipients({ db: t.db, audience: { kind: "all" } })).toEqual({ audience: 2, emailRecipients: 1 });
    await setAnnouncementPreference({ db: t.db, userId: p.id, subscribed: true });
    expect(await countAnnouncementRecipients({ db: t.db, audience: { kind: "all" } })).toEqual({ audience: 2, emailRecipients: 2 });
  });

  it("banners: active ones only, audience 'all' for everyone, a filtered one only for its signed-in members", async () => {
    const member = await participant();
    const outsider = await participant();
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    await createAnnouncement({ db: t.db, organizer, input: { title: "For all", body: "a", bannerUntil: soon, audience: { kind: "all" } } });
    await createAnnouncement({
      db: t.db,
      organizer,
      input: { title: "For one", body: "b", bannerUntil: soon, audience: { kind: "emails", emails: [member.email] } },
    });
    await t.db.announcement.create({
      data: { title: "Over", body: "c", bannerUntil: new Date(Date.now() - 1000), audience: { kind: "all" } },
    });
    const titles = async (userId: string | null) => (await listActiveAnnouncements({ db: t.db, userId })).map((a) => a.title);
    expect(await titles(null)).toEqual(["For all"]);
    expect(await titles(outsider.id)).toEqual(["For all"]);
    expect(await titles(member.id)).toEqual(["For one", "For all"]);
  });
});

it("linkifies only http(s) addresses and leaves punctuation outside the link", () => {
  expect(linkifyPlainText("See https://a.example/x?y=1, or javascript:alert(1).\n\n(http://b.example/)")).toEqual([
    [
      { type: "text", value: "See " },
      { type: "link", value: "https://a.example/x?y=1" },
      { type: "text", value: ", or javascript:alert(1)." },
    ],
    [
      { type: "text", value: "(" },
      { type: "link", value: "http://b.example/" },
      { type: "text", value: ")" },
    ],
  ]);
});
