"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { sendJson } from "./send-json";
import { SubmitButton } from "../submit-button";

export interface PhaseEditorValues {
  id: string;
  name: string;
  /** "YYYY-MM-DDTHH:mm" in UTC (see toUtcInputValue). */
  startsAt: string;
  endsAt: string;
  dailyLimit: number;
  maxFinal: number;
  privateRevealed: boolean;
  scoreVisibility: "rounded" | "ladder";
  ladderStep: number;
}

/**
 * Edits one phase through PATCH /api/organizer/phases/:id. Times are entered in UTC and sent as
 * ISO strings with a Z, so the server never guesses a zone; the server's zod schema
 * (UpdatePhaseInput) is the validation that counts, its messages are shown per field.
 */
export function PhaseEditor({ phase }: { phase: PhaseEditorValues }) {
  const router = useRouter();
  const [sending, setSending] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const pending = sending || refreshing;
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const id = (field: string) => `phase-${phase.id}-${field}`;

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const utc = (name: string) => {
      const v = String(form.get(name) ?? "");
      return v ? `${v.length === 16 ? `${v}:00` : v}Z` : v;
    };
    const body = {
      name: String(form.get("name") ?? ""),
      startsAt: utc("startsAt"),
      endsAt: utc("endsAt"),
      dailyLimit: Number(form.get("dailyLimit")),
      maxFinal: Number(form.get("maxFinal")),
      privateRevealed: form.get("privateRevealed") === "on",
      scoreVisibility: String(form.get("scoreVisibility") ?? ""),
      ladderStep: Number(form.get("ladderStep")),
    };
    if (body.privateRevealed && !phase.privateRevealed && !window.confirm("Reveal the private leaderboard to everyone now?")) return;
    setSending(true);
    setMessage(undefined);
    setErrors({});
    const result = await sendJson(`/api/organizer/phases/${encodeURIComponent(phase.id)}`, "PATCH", body);
    setSending(false);
    if (!result.ok) {
      setErrors(Object.fromEntries(result.details.filter((d) => d.field).map((d) => [d.field!, d.message])));
      setMessage({ kind: "error", text: result.message });
      return;
    }
    setMessage({ kind: "ok", text: "Saved." });
    startRefresh(() => router.refresh());
  }

  const input = (field: string) =>
    `w-full rounded border bg-white px-2 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-stone-500 ${errors[field] ? "border-red-500" : "border-stone-300"}`;
  const fieldError = (field: string) =>
    errors[field] ? (
      <p id={id(`${field}-error`)} className="text-xs text-red-700">
        {errors[field]}
      </p>
    ) : null;
  const describedBy = (field: string) => (errors[field] ? id(`${field}-error`) : undefined);
  // What every input or select of the form carries: its id, name, style and error wiring.
  const control = (field: string) => ({
    id: id(field),
    name: field,
    className: input(field),
    "aria-invalid": !!errors[field] || undefined,
    "aria-describedby": describedBy(field),
  });
  // A labelled control with its error message below (and an optional note after that).
  const field = (name: string, label: string, widget: React.ReactNode, span?: string, note?: React.ReactNode) => (
    <div className={span ? `space-y-1 ${span}` : "space-y-1"}>
      <label htmlFor={id(name)} className="block text-sm font-medium">
        {label}
      </label>
      {widget}
      {fieldError(name)}
      {note}
    </div>
  );

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-3 rounded border border-stone-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3"
      data-testid="phase-editor"
    >
      {field("name", "Name", <input {...control("name")} defaultValue={phase.name} />, "sm:col-span-2 lg:col-span-3")}
      {field("startsAt", "Starts (UTC)", <input {...control("startsAt")} type="datetime-local" defaultValue={phase.startsAt} />)}
      {field("endsAt", "Ends (UTC)", <input {...control("endsAt")} type="datetime-local" defaultValue={phase.endsAt} />)}
      <div className="grid grid-cols-2 gap-3">
        {field(
          "dailyLimit",
          "Daily limit",
          <input {...control("dailyLimit")} type="number" min={0} max={1000} step={1} defaultValue={phase.dailyLimit} />,
        )}
        {field(
          "maxFinal",
          "Final picks",
          <input {...control("maxFinal")} type="number" min={1} max={10} step={1} defaultValue={phase.maxFinal} />,
        )}
      </div>
      {field(
        "scoreVisibility",
        "Public scores until the reveal",
        <select {...control("scoreVisibility")} defaultValue={phase.scoreVisibility}>
          <option value="rounded">Rounded to the step</option>
          <option value="ladder">Ladder: only improvements by more than the step</option>
        </select>,
      )}
      {field(
        "ladderStep",
        "Step",
        <input {...control("ladderStep")} type="number" min={0.00001} max={0.1} step="any" defaultValue={phase.ladderStep} />,
        undefined,
        <p className="text-xs text-stone-500">
          0.0001 = 4 decimals. The Ladder (Blum &amp; Hardt 2015) shows a new score only when it beats the participant&apos;s best shown
          score by more than the step: small probes of the hidden labels show nothing.
        </p>,
      )}
      <div className="flex items-start gap-2 sm:col-span-2 lg:col-span-3">
        <input
          id={id("privateRevealed")}
          name="privateRevealed"
          type="checkbox"
          defaultChecked={phase.privateRevealed}
          className="mt-1 h-4 w-4"
        />
        <label htmlFor={id("privateRevealed")} className="text-sm">
          <span className="font-medium">Reveal the private leaderboard</span>
          <span className="block text-xs text-stone-600">
            Everyone then sees private scores and the final ranking. Check final selections and disqualifications first.
          </span>
        </label>
      </div>
      <div className="flex items-center gap-3 sm:col-span-2 lg:col-span-3">
        <SubmitButton busy={pending} label="Save phase" busyLabel="Saving…" className="text-sm" />
        <p
          aria-live="polite"
          role={message?.kind === "error" ? "alert" : undefined}
          className={`text-sm ${message?.kind === "error" ? "text-red-700" : "text-teal-800"}`}
        >
          {message?.text}
        </p>
      </div>
    </form>
  );
}
