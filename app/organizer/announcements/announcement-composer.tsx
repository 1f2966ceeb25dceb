"use client";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState, useTransition } from "react";
import { parseUtcInput } from "@/lib/phases/format-phase-time";
import { sendJson } from "../send-json";

type Kind = "all" | "submitted-in-phase" | "accepted-terms" | "team" | "emails";

const field = "w-full rounded border border-stone-300 bg-white px-2 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-stone-500";
const label = "block text-sm font-medium";

/**
 * The compose form: title, plain-text body, banner end (UTC, the site's time format), e-mail or
 * not, and the audience, with the number of recipients asked from the server as the audience
 * changes (POST /api/organizer/announcements/preview). Posting asks for confirmation with that
 * number when an e-mail goes out.
 */
export function AnnouncementComposer(props: { phases: { id: string; name: string }[]; teams: { id: string; name: string }[] }) {
  const router = useRouter();
  const ids = useId();
  const [kind, setKind] = useState<Kind>("all");
  const [phaseId, setPhaseId] = useState(props.phases[0]?.id ?? "");
  const [teamId, setTeamId] = useState(props.teams[0]?.id ?? "");
  const [emails, setEmails] = useState("");
  const [sendEmail, setSendEmail] = useState(true);
  const [count, setCount] = useState<{ audience: number; emailRecipients: number } | string>();
  const [sending, setSending] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();
  const [errors, setErrors] = useState<Record<string, string>>({});

  const audience =
    kind === "submitted-in-phase"
      ? { kind, phaseId }
      : kind === "team"
        ? { kind, teamId }
        : kind === "emails"
          ? { kind, emails }
          : { kind };
  const audienceKey = JSON.stringify(audience);

  useEffect(() => {
    let stale = false;
    // Debounced: the address list changes with every key press.
    const timer = setTimeout(() => {
      void sendJson("/api/organizer/announcements/preview", "POST", { audience: JSON.parse(audienceKey) as unknown }).then((result) => {
        if (stale) return;
        if (result.ok) setCount(result.data as { audience: number; emailRecipients: number });
        else setCount([result.message, ...result.details.map((d) => d.message)].join(" "));
      });
    }, 300);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [audienceKey]);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const bannerText = String(data.get("bannerUntil") ?? "").trim();
    const bannerUntil = bannerText ? parseUtcInput(bannerText) : null;
    if (bannerText && !bannerUntil) {
      setErrors({ bannerUntil: "Write the time as YYYY-MM-DD HH:MM:SS (UTC)." });
      return;
    }
    const recipients = typeof count === "object" ? count.emailRecipients : undefined;
    if (
      sendEmail &&
      !window.confirm(`Send this announcement by e-mail to ${recipients ?? "the selected"} participant(s)? This cannot be undone.`)
    )
      return;
    setSending(true);
    setMessage(undefined);
    setErrors({});
    const result = await sendJson("/api/organizer/announcements", "POST", {
      title: String(data.get("title") ?? ""),
      body: String(data.get("body") ?? ""),
      bannerUntil: bannerUntil ? bannerUntil.toISOString() : null,
      sendEmail,
      audience,
    });
    setSending(false);
    if (!result.ok) {
      setErrors(Object.fromEntries(result.details.filter((d) => d.field).map((d) => [d.field!, d.message])));
      setMessage({ kind: "error", text: result.message });
      return;
    }
    const created = result.data as { recipients: number };
    setMessage({ kind: "ok", text: sendEmail ? `Posted; ${created.recipients} e-mail(s) are being sent.` : "Posted." });
    form.reset();
    startRefresh(() => router.refresh());
  }

  const error = (name: string) =>
    errors[name] ? (
      <p id={`${ids}-${name}-error`} className="text-xs text-red-700">
        {errors[name]}
      </p>
    ) : null;
  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded border border-stone-200 bg-white p-4" data-testid="announcement-composer">
      <h2 className="text-lg font-semibold">New announcement</h2>
      <div>
        <label htmlFor={`${ids}-title`} className={label}>
          Title (the e-mail&apos;s subject)
        </label>
        <input id={`${ids}-title`} name="title" required maxLength={150} className={field} />
        {error("title")}
      </div>
      <div>
        <label htmlFor={`${ids}-body`} className={label}>
          Text (plain text; web addresses become links)
        </label>
        <textarea id={`${ids}-body`} name="body" required maxLength={10_000} rows={6} className={field} />
        {error("body")}
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor={`${ids}-banner`} className={label}>
            Banner on the site until (UTC, empty: no banner)
          </label>
          <input id={`${ids}-banner`} name="bannerUntil" placeholder="2026-12-31 23:59:59" className={field} autoComplete="off" />
          {error("bannerUntil")}
        </div>
        <div className="flex items-end gap-2 pb-1.5">
          <input
            id={`${ids}-email`}
            type="checkbox"
            checked={sendEmail}
            onChange={(e) => setSendEmail(e.target.checked)}
            className="h-4 w-4"
          />
          <label htmlFor={`${ids}-email`} className="text-sm font-medium">
            Also send it by e-mail
          </label>
        </div>
      </div>
      {error("sendEmail")}
      <fieldset className="space-y-2">
        <legend className={label}>For</legend>
        <select aria-label="Audience" value={kind} onChange={(e) => setKind(e.target.value as Kind)} className={field} name="audienceKind">
          <option value="all">All verified participants</option>
          <option value="submitted-in-phase" disabled={props.phases.length === 0}>
            Those who submitted in a phase
          </option>
          <option value="accepted-terms">Those who accepted the current terms</option>
          <option value="team" disabled={props.teams.length === 0}>
            A team
          </option>
          <option value="emails">A list of e-mail addresses</option>
        </select>
        {kind === "submitted-in-phase" && (
          <select aria-label="Phase" value={phaseId} onChange={(e) => setPhaseId(e.target.value)} className={field}>
            {props.phases.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
        {kind === "team" && (
          <select aria-label="Team" value={teamId} onChange={(e) => setTeamId(e.target.value)} className={field}>
            {props.teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        )}
        {kind === "emails" && (
          <textarea
            aria-label="E-mail addresses, one per line or separated by commas"
            value={emails}
            onChange={(e) => setEmails(e.target.value)}
            rows={3}
            className={field}
            placeholder="alice@example.org, bob@example.org"
          />
        )}
        {Object.entries(errors)
          .filter(([k]) => k.startsWith("audience"))
          .map(([k, v]) => (
            <p key={k} className="text-xs text-red-700">
              {v}
            </p>
          ))}
        <p className="text-sm text-stone-700" aria-live="polite" data-testid="recipient-count">
          {count === undefined
            ? "Counting recipients…"
            : typeof count === "string"
              ? count
              : `${count.audience} participant(s) match; ${count.emailRecipients} would get the e-mail (the others unsubscribed).`}
        </p>
      </fieldset>
      <button
        type="submit"
        disabled={sending || refreshing}
        className="rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-50"
      >
        {sending ? "Posting…" : "Post announcement"}
      </button>
      <p
        aria-live="polite"
        className={`text-sm ${message?.kind === "error" ? "text-red-700" : "text-teal-800"}`}
        data-testid="composer-message"
      >
        {message?.text}
      </p>
    </form>
  );
}
