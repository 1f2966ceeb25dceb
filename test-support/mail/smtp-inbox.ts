import fs from "node:fs";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  to: string[];
  raw: string;
}

/**
 * A real SMTP server in the test process (the `smtp-server` package): the platform's mailer
 * connects to it over TCP exactly as to a production server. No TLS or auth, so nodemailer talks
 * plain SMTP to it.
 */
export async function startSmtpInbox(): Promise<{ url: string; messages: ReceivedMail[]; close: () => Promise<void> }> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The action link of a raw message (quoted-printable soft breaks and escapes undone). */
export function linkInMail(raw: string): string {
  const decoded = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const match = decoded.match(/https?:\/\/[^\s"<>]+\?token=[A-Za-z0-9_%-]+/);
  if (!match) throw new Error(`no link in the message:\n${decoded.slice(0, 2000)}`);
  return match[0];
}

export function tokenInMail(raw: string): string {
  return decodeURIComponent(new URL(linkInMail(raw)).searchParams.get("token")!);
}

/** The .eml files of an outbox folder, oldest first. */
export function outboxFiles(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".eml"))
        .sort()
    : [];
}
