"use client";
import { useId, useState } from "react";
import { parseUtcInput } from "@/lib/phases/format-phase-time";
import { sendJson } from "../send-json";
import { useOrganizerAction } from "../use-organizer-action";

const field = "w-full rounded border border-stone-300 bg-white px-2 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-stone-500";
const label = "block text-sm font-medium";
const button =
  "rounded bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-50";

/** Domains (one per line or comma-separated) and the invitation-only switch: POST /api/organizer/entry-rules. */
export function EntryRulesForm(props: { allowedDomains: string; blockedDomains: string; invitationOnly: boolean }) {
  const ids = useId();
  const { run, pending, note } = useOrganizerAction();
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    await run(
      () =>
        sendJson("/api/organizer/entry-rules", "POST", {
          allowedDomains: String(data.get("allowedDomains") ?? ""),
          blockedDomains: String(data.get("blockedDomains") ?? ""),
          invitationOnly: data.get("invitationOnly") === "on",
        }),
      () => "Saved. New sign-ups follow these rules from now on.",
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded border border-stone-200 bg-white p-4" data-testid="entry-rules-form">
      <div className="grid gap-3 sm:grid-cols-2">
        {(
          [
            ["allowedDomains", "Allowed domains (empty: any domain not blocked)", props.allowedDomains, "university.edu"],
            ["blockedDomains", "Blocked domains (win over allowed; subdomains included)", props.blockedDomains, "mailinator.com"],
          ] as const
        ).map(([name, text, value, placeholder]) => (
          <div key={name}>
            <label htmlFor={`${ids}-${name}`} className={label}>
              {text}
            </label>
            <textarea id={`${ids}-${name}`} name={name} defaultValue={value} rows={4} className={field} placeholder={placeholder} />
          </div>
        ))}
      </div>
      <div className="flex items-center gap-2">
        <input id={`${ids}-invite`} type="checkbox" name="invitationOnly" defaultChecked={props.invitationOnly} className="h-4 w-4" />
        <label htmlFor={`${ids}-invite`} className="text-sm font-medium">
          Invitation only: sign-up needs an invitation code
        </label>
      </div>
      <button type="submit" disabled={pending} className={button}>
        Save entry rules
      </button>
      {note}
    </form>
  );
}

/** Creates a code (POST /api/organizer/invitation-codes) and shows it this one time. */
export function InvitationCodeForm() {
  const ids = useId();
  const { run, pending, note, setMessage } = useOrganizerAction();
  const [code, setCode] = useState<string>();
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const expiresText = String(data.get("expiresAt") ?? "").trim();
    const expiresAt = expiresText ? parseUtcInput(expiresText) : null;
    if (expiresText && !expiresAt) {
      setMessage({ kind: "error", text: "Write the expiry as YYYY-MM-DD HH:MM:SS (UTC), or leave it empty." });
      return;
    }
    setCode(undefined);
    await run(
      () =>
        sendJson("/api/organizer/invitation-codes", "POST", {
          label: String(data.get("label") ?? ""),
          maxUses: Number(data.get("maxUses") ?? 1),
          expiresAt: expiresAt ? expiresAt.toISOString() : null,
        }),
      (created) => {
        setCode((created as { code: string }).code);
        form.reset();
        return "Created. Copy the code now: it is not shown again.";
      },
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded border border-stone-200 bg-white p-4" data-testid="invitation-code-form">
      <div className="grid gap-3 sm:grid-cols-3">
        <div>
          <label htmlFor={`${ids}-label`} className={label}>
            Label (for you)
          </label>
          <input id={`${ids}-label`} name="label" maxLength={120} className={field} placeholder="Lab group B" />
        </div>
        <div>
          <label htmlFor={`${ids}-uses`} className={label}>
            Sign-ups it admits
          </label>
          <input id={`${ids}-uses`} name="maxUses" type="number" min={1} max={10000} defaultValue={1} className={field} />
        </div>
        <div>
          <label htmlFor={`${ids}-expires`} className={label}>
            Expires (UTC, empty: never)
          </label>
          <input id={`${ids}-expires`} name="expiresAt" placeholder="2026-12-31 23:59:59" className={field} autoComplete="off" />
        </div>
      </div>
      <button type="submit" disabled={pending} className={button}>
        Create a code
      </button>
      {code && (
        <p className="rounded border border-teal-300 bg-teal-50 p-3 text-sm">
          New code:{" "}
          <code className="select-all font-mono text-base font-semibold" data-testid="new-invitation-code">
            {code}
          </code>
        </p>
      )}
      {note}
    </form>
  );
}

export function RevokeCodeButton({ id }: { id: string }) {
  const { run, pending, note } = useOrganizerAction();
  return (
    <div>
      <button
        type="button"
        disabled={pending}
        className="rounded border border-red-300 bg-white px-2 py-1 text-xs font-medium text-red-800 hover:bg-red-50 focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-50"
        onClick={() => {
          if (window.confirm("Revoke this code? Nobody can sign up with it afterwards."))
            void run(
              () => sendJson(`/api/organizer/invitation-codes/${encodeURIComponent(id)}/revoke`, "POST", {}),
              () => "Revoked.",
            );
        }}
      >
        Revoke
      </button>
      {note}
    </div>
  );
}
