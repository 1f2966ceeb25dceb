import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "../env";

/** One outgoing message: plain text always, simple HTML optionally, and the link it carries. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The message's one action link, printed in the log when the mail is only written to the outbox. */
  link?: string;
  /** Extra header fields, e.g. List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058) on announcements. */
  headers?: Record<string, string>;
}

export interface MailSettings {
  /** SMTP_URL; unset: write to the outbox. */
  smtpUrl?: string;
  from: string;
  dataDir: string;
}

export type MailDelivery = { via: "smtp"; messageId: string } | { via: "outbox"; file: string };

/** Where messages go while no SMTP server is configured: one .eml file each. */
export function outboxDir(dataDir: string): string {
  return path.join(dataDir, "outbox");
}

const transports = new Map<string, Transporter>();
function smtpTransport(url: string): Transporter {
  let transport = transports.get(url);
  if (!transport) {
    transport = nodemailer.createTransport(url);
    transports.set(url, transport);
  }
  return transport;
}

/** Whether mail reaches people (SMTP_URL is set), for the organizer console's notice. */
export function isMailDelivered(settings: Pick<MailSettings, "smtpUrl"> = { smtpUrl: env().SMTP_URL }): boolean {
  return Boolean(settings.smtpUrl);
}

/**
 * Sends one message through SMTP when SMTP_URL is set. Without it the message is written as a
 * standard .eml file to DATA_DIR/outbox (readable by any mail program; the e2e suite reads links
 * from there) and the link is printed in the server log, so a fresh instance works without a mail
 * server. Throws when the SMTP server refuses: callers decide whether that is fatal.
 */
export async function sendMail(options: { message: MailMessage; settings?: MailSettings }): Promise<MailDelivery> {
  const settings = options.settings ?? { smtpUrl: env().SMTP_URL, from: env().MAIL_FROM, dataDir: env().dataDir };
  const { message } = options;
  const mail = {
    from: settings.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
  };
  if (settings.smtpUrl) {
    const info = await smtpTransport(settings.smtpUrl).sendMail(mail);
    return { via: "smtp", messageId: String(info.messageId) };
  }
  const built = await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" }).sendMail(mail);
  const dir = outboxDir(settings.dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.join(dir, `${stamp}-${randomBytes(4).toString("hex")}.eml`);
  // The links in it are secrets (sign-in equivalent for a reset): readable by the instance's owner only.
  fs.writeFileSync(file, built.message as Buffer, { mode: 0o600 });
  console.log(
    `[mail] SMTP_URL is not set: "${message.subject}" to ${message.to} written to ${file}${message.link ? `\n[mail] link: ${message.link}` : ""}`,
  );
  return { via: "outbox", file };
}
