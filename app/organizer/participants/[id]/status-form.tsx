"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { sendJson } from "../../send-json";

/** Suspend, ban or reinstate one participant through POST /api/organizer/participants/:id/status. */
export function StatusForm({ userId, status }: { userId: string; status: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = String(form.get("status"));
    if (next !== "active" && !window.confirm(`${next === "banned" ? "Ban" : "Suspend"} this participant? They are signed out at once.`))
      return;
    setPending(true);
    const result = await sendJson(`/api/organizer/participants/${encodeURIComponent(userId)}/status`, "POST", {
      status: next,
      reason: String(form.get("reason") ?? ""),
    });
    setPending(false);
    if (!result.ok) {
      setMessage({ kind: "error", text: [result.message, ...result.details.map((d) => `${d.field ?? ""} ${d.message}`)].join(" ") });
      return;
    }
    setMessage({ kind: "ok", text: "Saved." });
    router.refresh();
  }

  return (
    <form
      onSubmit={onSubmit}
      className="flex flex-wrap items-end gap-3 rounded border border-stone-200 bg-white p-3 text-sm"
      data-testid="status-form"
    >
      <div className="space-y-1">
        <label htmlFor="status" className="block text-xs font-medium">
          New status
        </label>
        <select
          id="status"
          name="status"
          defaultValue={status === "active" ? "suspended" : "active"}
          className="rounded border border-stone-300 bg-white px-2 py-1"
        >
          <option value="active">active (reinstate)</option>
          <option value="suspended">suspended</option>
          <option value="banned">banned</option>
        </select>
      </div>
      <div className="space-y-1">
        <label htmlFor="reason" className="block text-xs font-medium">
          Reason (organizers only)
        </label>
        <input id="reason" name="reason" maxLength={500} className="w-72 rounded border border-stone-300 bg-white px-2 py-1" />
      </div>
      <button type="submit" disabled={pending} className="rounded border border-red-700 bg-red-700 px-3 py-1.5 text-white hover:bg-red-800">
        Apply
      </button>
      <p aria-live="polite" className={`text-xs ${message?.kind === "error" ? "text-red-700" : "text-teal-800"}`}>
        {message?.text}
      </p>
    </form>
  );
}
