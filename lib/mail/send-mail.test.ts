import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { linkInMail, outboxFiles, startSmtpInbox } from "../../test-support/mail/smtp-inbox";
import { verifyEmailMessage } from "./mail-templates";
import { isMailDelivered, outboxDir, sendMail } from "./send-mail";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tp-mail-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe("sendMail", () => {
  const message = verifyEmailMessage({
    to: "ada@example.org",
    name: "Ada <script>",
    link: "https://c.example.org/verify-email?token=abc_DEF-123456789012345",
  });

  it("delivers over SMTP when SMTP_URL is set", async () => {
    const inbox = await startSmtpInbox();
    try {
      const delivery = await sendMail({ message, settings: { smtpUrl: inbox.url, from: "TP <tp@example.org>", dataDir } });
      expect(delivery.via).toBe("smtp");
      await vi.waitFor(() => expect(inbox.messages).toHaveLength(1));
      expect(inbox.messages[0].to).toEqual(["ada@example.org"]);
      expect(linkInMail(inbox.messages[0].raw)).toBe(message.link);
      expect(inbox.messages[0].raw).toContain("Ada &#60;script&#62;"); // escaped in the HTML part
      expect(isMailDelivered({ smtpUrl: inbox.url })).toBe(true);
    } finally {
      await inbox.close();
    }
  });

  it("without SMTP_URL writes an .eml to the outbox (owner-only) and logs the link", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const delivery = await sendMail({ message, settings: { from: "TP <tp@example.org>", dataDir } });
    expect(delivery.via).toBe("outbox");
    const files = outboxFiles(outboxDir(dataDir));
    expect(files).toHaveLength(1);
    const file = path.join(outboxDir(dataDir), files[0]);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    const raw = fs.readFileSync(file, "utf8");
    expect(raw).toMatch(/^From: TP <tp@example.org>/m);
    expect(linkInMail(raw)).toBe(message.link);
    expect(log.mock.calls.flat().join("\n")).toContain(message.link);
    expect(isMailDelivered({ smtpUrl: undefined })).toBe(false);
    log.mockRestore();
  });
});
