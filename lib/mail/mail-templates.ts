import type { MailMessage } from "./send-mail";

/**
 * The platform's messages. Each has a plain-text body (what every client shows) and a simple
 * HTML one; names are escaped, links are built by the caller from PUBLIC_URL.
 */
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function compose(options: {
  to: string;
  subject: string;
  greeting: string;
  paragraphs: string[];
  action: string;
  link: string;
  after: string;
}): MailMessage {
  const text = [
    options.greeting,
    "",
    ...options.paragraphs.flatMap((p) => [p, ""]),
    `${options.action}:`,
    options.link,
    "",
    options.after,
    "",
    "— Tiny Portraits",
  ].join("\n");
  const html = [
    `<p>${escapeHtml(options.greeting)}</p>`,
    ...options.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    `<p><a href="${escapeHtml(options.link)}">${escapeHtml(options.action)}</a></p>`,
    `<p style="color:#666">${escapeHtml(options.after)}</p>`,
    `<p>— Tiny Portraits</p>`,
  ].join("\n");
  return { to: options.to, subject: options.subject, text, html, link: options.link };
}

export function verifyEmailMessage(options: { to: string; name: string; link: string }): MailMessage {
  return compose({
    to: options.to,
    subject: "Confirm your e-mail address for Tiny Portraits",
    greeting: `Hello ${options.name},`,
    paragraphs: ["Please confirm that this address is yours. You need a confirmed address to submit to the challenge."],
    action: "Confirm my address",
    link: options.link,
    after: "The link works once, for 24 hours. If you did not create an account, ignore this message.",
  });
}

export function passwordResetMessage(options: { to: string; name: string; link: string }): MailMessage {
  return compose({
    to: options.to,
    subject: "Reset your Tiny Portraits password",
    greeting: `Hello ${options.name},`,
    paragraphs: ["Someone (hopefully you) asked to reset the password of your account. Setting a new one signs out every other browser."],
    action: "Choose a new password",
    link: options.link,
    after: "The link works once, for 1 hour. If you did not ask for it, ignore this message: your password stays as it is.",
  });
}

/** To the owner of an address someone tried to sign up with again: the sign-up form itself says nothing. */
export function signUpAttemptMessage(options: { to: string; name: string; link: string }): MailMessage {
  return compose({
    to: options.to,
    subject: "Someone tried to create a Tiny Portraits account with your address",
    greeting: `Hello ${options.name},`,
    paragraphs: [
      "Someone just tried to create a new account with this e-mail address, which already has one. No second account was created.",
      "If it was you, you can sign in with your existing account, or set a new password with the link below (it also confirms your address).",
    ],
    action: "Set a new password",
    link: options.link,
    after: "The link works once, for 1 hour. If it was not you, ignore this message.",
  });
}
