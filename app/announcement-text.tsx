import { linkifyPlainText } from "@/lib/announcements/announcement-mail";

/** An announcement's plain text: React escapes it, blank lines make paragraphs, http(s) addresses become links. */
export function AnnouncementText({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className}>
      {linkifyPlainText(text).map((parts, i) => (
        <p key={i} className="whitespace-pre-line">
          {parts.map((p, j) =>
            p.type === "link" ? (
              <a key={j} href={p.value} className="break-all underline" rel="noopener noreferrer nofollow">
                {p.value}
              </a>
            ) : (
              p.value
            ),
          )}
        </p>
      ))}
    </div>
  );
}
