"use client";
import { useState } from "react";
import { PhaseSelect } from "../phase-select";
import { sendJson } from "../send-json";
import { useOrganizerAction } from "../use-organizer-action";

const input = "rounded border border-stone-300 bg-white px-2 py-1 text-sm focus:outline-none focus:ring-2 focus:ring-stone-500";
const button =
  "rounded border border-stone-800 bg-stone-800 px-3 py-1 text-sm font-medium text-white focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-50";

/** Ask the top N of a phase's board, or one submission, for their code and model. */
export function RequestVerificationForm(props: { phases: { id: string; name: string }[] }) {
  const { pending, run, note } = useOrganizerAction();
  const [mode, setMode] = useState<"top" | "one">(props.phases.length > 0 ? "top" : "one");
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const note = String(f.get("note") ?? "");
    const body =
      mode === "top"
        ? { phaseId: String(f.get("phaseId")), board: String(f.get("board")), top: Number(f.get("top")), note }
        : { submissionId: String(f.get("submissionId") ?? "").trim(), note };
    await run(
      () => sendJson("/api/organizer/verification", "POST", body),
      (data) => {
        const r = data as { requested: unknown[]; alreadyRequested: unknown[]; mailFailures: number };
        return `Requested ${r.requested.length}; ${r.alreadyRequested.length} already had a request${r.mailFailures ? `; ${r.mailFailures} e-mails could not be sent` : ""}.`;
      },
    );
  }
  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded border border-stone-200 bg-white p-4" aria-label="Request verification">
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="mb-1 font-semibold">Request verification of</legend>
        <label className="flex items-center gap-1">
          <input type="radio" name="mode" checked={mode === "top"} onChange={() => setMode("top")} disabled={props.phases.length === 0} />{" "}
          the top of a board
        </label>
        <label className="flex items-center gap-1">
          <input type="radio" name="mode" checked={mode === "one"} onChange={() => setMode("one")} /> one submission
        </label>
      </fieldset>
      {mode === "top" ? (
        <div className="flex flex-wrap items-end gap-2">
          <PhaseSelect phases={props.phases} name="phaseId" className={input} />
          <label className="text-sm">
            <span className="block text-xs text-stone-600">Board</span>
            <select name="board" className={input} defaultValue="private">
              <option value="private">private (after the reveal)</option>
              <option value="public">public</option>
            </select>
          </label>
          <label className="text-sm">
            <span className="block text-xs text-stone-600">Top N</span>
            <input name="top" type="number" min={1} max={50} defaultValue={3} required className={`${input} w-20`} />
          </label>
        </div>
      ) : (
        <label className="block text-sm">
          <span className="block text-xs text-stone-600">Submission id</span>
          <input name="submissionId" required maxLength={64} className={`${input} w-full max-w-sm font-mono`} />
        </label>
      )}
      <label className="block text-sm">
        <span className="block text-xs text-stone-600">Note for the participants (optional, in the e-mail)</span>
        <input name="note" maxLength={1000} className={`${input} w-full`} />
      </label>
      <button type="submit" className={button} disabled={pending}>
        Request and e-mail
      </button>
      {note}
    </form>
  );
}

/** Reject a verification with a reason the participant sees. */
export function RejectVerificationForm(props: { id: string }) {
  const { pending, run, note } = useOrganizerAction();
  const [open, setOpen] = useState(false);
  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "");
    if (
      await run(
        () => sendJson(`/api/organizer/verification/${encodeURIComponent(props.id)}/reject`, "POST", { reason }),
        () => "Rejected.",
      )
    )
      setOpen(false);
  }
  if (!open)
    return (
      <span className="inline-flex flex-col gap-1">
        <button
          type="button"
          className="rounded border border-red-300 bg-white px-2 py-1 text-xs font-medium text-red-800 hover:bg-red-50"
          onClick={() => setOpen(true)}
        >
          Reject…
        </button>
        {note}
      </span>
    );
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-1">
      <label className="sr-only" htmlFor={`reject-${props.id}`}>
        Reason (shown to the participant)
      </label>
      <input
        id={`reject-${props.id}`}
        name="reason"
        required
        minLength={3}
        maxLength={500}
        placeholder="Reason, shown to the participant"
        className={`${input} w-56 text-xs`}
      />
      <button type="submit" className="rounded border border-red-700 bg-red-700 px-2 py-1 text-xs text-white" disabled={pending}>
        Reject
      </button>
      <button type="button" className="rounded border border-stone-300 bg-white px-2 py-1 text-xs" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {note}
    </form>
  );
}
