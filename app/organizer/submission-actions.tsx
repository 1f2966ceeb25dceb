"use client";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { sendJson } from "./send-json";

/** Rescore and disqualify/reinstate buttons of one row of the organizer's submissions table. */
export function SubmissionActions(props: { id: string; scoringPending: boolean; disqualified: boolean }) {
  const router = useRouter();
  const reasonId = useId();
  const [sending, setSending] = useState(false);
  // Until the refreshed row arrives, the buttons stay disabled: no acting on a stale row.
  const [refreshing, startRefresh] = useTransition();
  const pending = sending || refreshing;
  const [asking, setAsking] = useState(false);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();
  const base = `/api/organizer/submissions/${encodeURIComponent(props.id)}`;

  async function act(path: string, body: unknown, done: string) {
    setSending(true);
    setMessage(undefined);
    const result = await sendJson(`${base}/${path}`, "POST", body);
    setSending(false);
    if (!result.ok) {
      setMessage({ kind: "error", text: [result.message, ...result.details.map((d) => d.message)].join(" ") });
      return false;
    }
    setMessage({ kind: "ok", text: done });
    startRefresh(() => router.refresh());
    return true;
  }

  async function onDisqualify(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
    if (await act("disqualify", { reason }, "Disqualified.")) setAsking(false);
  }

  const button = "rounded border px-2 py-1 text-xs font-medium focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-50";
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1">
        <button
          type="button"
          className={`${button} border-stone-300 bg-white hover:bg-stone-100`}
          disabled={pending || props.scoringPending}
          title={props.scoringPending ? "A scoring job is already queued or running" : undefined}
          onClick={() => act("rescore", {}, "Queued for scoring.")}
        >
          {props.scoringPending ? "Scoring…" : "Rescore"}
        </button>
        {props.disqualified ? (
          <button
            type="button"
            className={`${button} border-stone-300 bg-white hover:bg-stone-100`}
            disabled={pending}
            onClick={() => act("reinstate", {}, "Reinstated.")}
          >
            Reinstate
          </button>
        ) : (
          !asking && (
            <button
              type="button"
              className={`${button} border-red-300 bg-white text-red-800 hover:bg-red-50`}
              disabled={pending}
              onClick={() => setAsking(true)}
            >
              Disqualify
            </button>
          )
        )}
      </div>
      {asking && (
        <form onSubmit={onDisqualify} className="flex flex-wrap items-end gap-1">
          <label htmlFor={reasonId} className="sr-only">
            Reason (shown to the participant)
          </label>
          <input
            id={reasonId}
            name="reason"
            required
            minLength={3}
            maxLength={500}
            placeholder="Reason, shown to the participant"
            className="w-56 rounded border border-stone-300 bg-white px-2 py-1 text-xs focus:outline-none focus:ring-2 focus:ring-stone-500"
          />
          <button type="submit" className={`${button} border-red-700 bg-red-700 text-white hover:bg-red-800`} disabled={pending}>
            Confirm
          </button>
          <button type="button" className={`${button} border-stone-300 bg-white`} onClick={() => setAsking(false)}>
            Cancel
          </button>
        </form>
      )}
      <p aria-live="polite" className={`text-xs ${message?.kind === "error" ? "text-red-700" : "text-teal-800"}`}>
        {message?.text}
      </p>
    </div>
  );
}
