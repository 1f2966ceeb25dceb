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

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-3 rounded border border-stone-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3"
      data-testid="phase-editor"
    >
      <div className="space-y-1 sm:col-span-2 lg:col-span-3">
        <label htmlFor={id("name")} className="block text-sm font-medium">
          Name
        </label>
        <input
          id={id("name")}
          name="name"
          defaultValue={phase.name}
          className={input("name")}
          aria-invalid={!!errors.name || undefined}
          aria-describedby={describedBy("name")}
        />
        {fieldError("name")}
      </div>
      <div className="space-y-1">
        <label htmlFor={id("startsAt")} className="block text-sm font-medium">
          Starts (UTC)
        </label>
        <input
          id={id("startsAt")}
          name="startsAt"
          type="datetime-local"
          defaultValue={phase.startsAt}
          className={input("startsAt")}
          aria-invalid={!!errors.startsAt || undefined}
          aria-describedby={describedBy("startsAt")}
        />
        {fieldError("startsAt")}
      </div>
      <div className="space-y-1">
        <label htmlFor={id("endsAt")} className="block text-sm font-medium">
          Ends (UTC)
        </label>
        <input
          id={id("endsAt")}
          name="endsAt"
          type="datetime-local"
          defaultValue={phase.endsAt}
          className={input("endsAt")}
          aria-invalid={!!errors.endsAt || undefined}
          aria-describedby={describedBy("endsAt")}
        />
        {fieldError("endsAt")}
      </div>
      <div className="grid grid-cols-2 gap-3">
        <div className="space-y-1">
          <label htmlFor={id("dailyLimit")} className="block text-sm font-medium">
            Daily limit
          </label>
          <input
            id={id("dailyLimit")}
            name="dailyLimit"
            type="number"
            min={0}
            max={1000}
            step={1}
            defaultValue={phase.dailyLimit}
            className={input("dailyLimit")}
            aria-invalid={!!errors.dailyLimit || undefined}
            aria-describedby={describedBy("dailyLimit")}
          />
          {fieldError("dailyLimit")}
        </div>
        <div className="space-y-1">
          <label htmlFor={id("maxFinal")} className="block text-sm font-medium">
            Final picks
          </label>
          <input
            id={id("maxFinal")}
            name="maxFinal"
            type="number"
            min={1}
            max={10}
            step={1}
            defaultValue={phase.maxFinal}
            className={input("maxFinal")}
            aria-invalid={!!errors.maxFinal || undefined}
            aria-describedby={describedBy("maxFinal")}
          />
          {fieldError("maxFinal")}
        </div>
      </div>
      <div className="space-y-1">
        <label htmlFor={id("scoreVisibility")} className="block text-sm font-medium">
          Public scores until the reveal
        </label>
        <select
          id={id("scoreVisibility")}
          name="scoreVisibility"
          defaultValue={phase.scoreVisibility}
          className={input("scoreVisibility")}
          aria-invalid={!!errors.scoreVisibility || undefined}
          aria-describedby={describedBy("scoreVisibility")}
        >
          <option value="rounded">Rounded to the step</option>
          <option value="ladder">Ladder: only improvements by more than the step</option>
        </select>
        {fieldError("scoreVisibility")}
      </div>
      <div className="space-y-1">
        <label htmlFor={id("ladderStep")} className="block text-sm font-medium">
          Step
        </label>
        <input
          id={id("ladderStep")}
          name="ladderStep"
          type="number"
          min={0.00001}
          max={0.1}
          step="any"
          defaultValue={phase.ladderStep}
          className={input("ladderStep")}
          aria-invalid={!!errors.ladderStep || undefined}
          aria-describedby={describedBy("ladderStep")}
        />
        {fieldError("ladderStep")}
        <p className="text-xs text-stone-500">
          0.0001 = 4 decimals. The Ladder (Blum &amp; Hardt 2015) shows a new score only when it beats the participant&apos;s best shown
          score by more than the step: small probes of the hidden labels show nothing.
        </p>
      </div>
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
