import type { MailMessage } from "../mail/send-mail";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** http(s) addresses in plain text; a trailing period, comma or closing bracket is punctuation, not address. */
const URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/**
 * An announcement's plain text as HTML: everything escaped, blank lines make paragraphs, single
 * line breaks stay, and http(s) addresses become links. Nothing else is interpreted (no markup,
 * no Markdown), so an organizer's text can never inject anything. The banner uses the same.
 */
export function linkifyPlainText(text: string): { type: "text" | "link"; value: string }[][] {
  return text.split(/\n{2,}/).map((paragraph) => {
    const parts: { type: "text" | "link"; value: string }[] = [];
    let at = 0;
    for (const match of paragraph.matchAll(URL_PATTERN)) {
      if (match.index > at) parts.push({ type: "text", value: paragraph.slice(at, match.index) });
      parts.push({ type: "link", value: match[0] });
      at = match.index + match[0].length;
    }
    if (at < paragraph.length) parts.push({ type: "text", value: paragraph.slice(at) });
    return parts;
  });
}

function bodyHtml(body: string): string {
  return linkifyPlainText(body)
    .map(
      (parts) =>
        `<p>${parts
          .map((p) => (p.type === "link" ? `<a href="${escapeHtml(p.value)}">${escapeHtml(p.value)}</a>` : escapeHtml(p.value)))
          .join("")
          .replace(/\n/g, "<br>")}</p>`,
    )
    .join("\n");
}

/**
 * One recipient's copy. The unsubscribe link goes in the text, the HTML and the List-Unsubscribe
 * header (RFC 2369) with List-Unsubscribe-Post (RFC 8058), so mail programs offer a one-click
 * button that POSTs to `oneClickUrl` without opening a page.
 */
export function announcementMessage(options: {
  to: string;
  name: string;
  title: string;
  body: string;
  /** The confirmation page (a GET there changes nothing). */
  unsubscribeUrl: string;
  /** The one-click endpoint (POST only). */
  oneClickUrl: string;
}): MailMessage {
  const after = "You get this because you take part in the Tiny Portraits challenge. To stop receiving announcements by e-mail:";
  const text = [`Hello ${options.name},`, "", options.body, "", "— The Tiny Portraits organizers", "", after, options.unsubscribeUrl].join(
    "\n",
  );
  const html = [
    `<p>${escapeHtml(`Hello ${options.name},`)}</p>`,
    bodyHtml(options.body),
    `<p>— The Tiny Portraits organizers</p>`,
    `<p style="color:#666;font-size:12px">${escapeHtml(after)} <a href="${escapeHtml(options.unsubscribeUrl)}">unsubscribe</a>.</p>`,
  ].join("\n");
  return {
    to: options.to,
    subject: `[Tiny Portraits] ${options.title}`,
    text,
    html,
    link: options.unsubscribeUrl,
    headers: { "List-Unsubscribe": `<${options.oneClickUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}
