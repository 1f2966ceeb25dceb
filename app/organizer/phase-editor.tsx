"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { sendJson } from "./send-json";
import { SubmitButton } from "../submit-button";

export interface PhaseEditorValues {
  /** Absent: the form creates a new phase. */
  id?: string;
  name: string;
  track: "attributes" | "generation";
  /** "YYYY-MM-DD HH:MM:SS" in UTC (formatUtcInput, the site's one time format). */
  startsAt: string;
  endsAt: string;
  /** "" = until the phase ends. */
  mergeDeadline: string;
  dailyLimit: number;
  maxFinal: number;
  acceptedKinds: ("csv" | "model" | "generator" | "images")[];
  teamSizeCap: number;
  description: string;
  privateRevealed: boolean;
  scoreVisibility: "rounded" | "ladder";
  ladderStep: number;
}

const KIND_LABELS = {
  csv: "Predictions CSV",
  model: "Model (run in our sandbox)",
  generator: "Generator model (run in our sandbox)",
  images: "Zip of generated PNGs (flagged)",
} as const;
/** The kinds each track takes (lib/tracks); the boxes shown are the saved track's. */
const TRACK_KINDS = { attributes: ["csv", "model"], generation: ["generator", "images"] } as const;

/**
 * Creates a phase (POST /api/organizer/phases) or edits one (PATCH and DELETE
 * /api/organizer/phases/:id). Times are typed in UTC in the site's one format
 * ("2026-12-31 23:59:59", seconds kept) and sent as ISO strings with a Z, so no browser's zone
 * or locale format is involved. The server's zod schema is the validation that counts; its
 * messages are shown per field. A daily limit of 0 is confirmed here and sent with
 * confirmClosed, which the server requires.
 */
export function PhaseEditor({ phase }: { phase: PhaseEditorValues }) {
  const router = useRouter();
  const creating = phase.id === undefined;
  const [sending, setSending] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const pending = sending || refreshing;
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const id = (field: string) => `phase-${phase.id ?? "new"}-${field}`;

  function show(result: Awaited<ReturnType<typeof sendJson>>, ok: string): boolean {
    setSending(false);
    if (!result.ok) {
      setErrors(Object.fromEntries(result.details.filter((d) => d.field).map((d) => [d.field!, d.message])));
      setMessage({ kind: "error", text: result.message });
      return false;
    }
    setMessage({ kind: "ok", text: ok });
    startRefresh(() => router.refresh());
    return true;
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    // "2026-12-31 23:59:59" -> "2026-12-31T23:59:59Z"; anything else goes as typed and the server names the problem.
    const utc = (value: string) => (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value.replace(" ", "T")}Z` : value);
    const body: Record<string, unknown> = {
      name: text("name"),
      track: text("track"),
      startsAt: utc(text("startsAt")),
      endsAt: utc(text("endsAt")),
      mergeDeadline: text("mergeDeadline") === "" ? null : utc(text("mergeDeadline")),
      dailyLimit: Number(text("dailyLimit")),
      maxFinal: Number(text("maxFinal")),
      acceptedKinds: form.getAll("acceptedKinds").map(String),
      teamSizeCap: Number(text("teamSizeCap")),
      description: text("description"),
      scoreVisibility: text("scoreVisibility"),
      ladderStep: Number(text("ladderStep")),
    };
    if (!creating) body.privateRevealed = form.get("privateRevealed") === "on";
    if (body.privateRevealed === true && !phase.privateRevealed && !window.confirm("Reveal the private leaderboard to everyone now?"))
      return;
    if (body.dailyLimit === 0 && (creating || phase.dailyLimit !== 0)) {
      if (!window.confirm("A daily limit of 0 closes submissions in this phase for everyone. Save it?")) return;
      body.confirmClosed = true;
    }
    setSending(true);
    setMessage(undefined);
    setErrors({});
    if (creating) {
      if (show(await sendJson("/api/organizer/phases", "POST", body), "Phase created.")) formElement.reset();
    } else {
      show(await sendJson(`/api/organizer/phases/${encodeURIComponent(phase.id!)}`, "PATCH", body), "Saved.");
    }
  }

  async function onDelete() {
    if (!window.confirm(`Delete the phase "${phase.name}"? This cannot be undone.`)) return;
    setSending(true);
    setMessage(undefined);
    setErrors({});
    show(await sendJson(`/api/organizer/phases/${encodeURIComponent(phase.id!)}`, "DELETE"), "Deleted.");
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
  // Typed in the one UTC format; the placeholder shows it.
  const timeInput = (name: "startsAt" | "endsAt" | "mergeDeadline") => (
    <input
      {...control(name)}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      spellCheck={false}
      placeholder="2026-12-31 23:59:59"
      defaultValue={phase[name]}
      className={`${input(name)} font-mono tabular-nums`}
    />
  );

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-3 rounded border border-stone-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3"
      data-testid={creating ? "phase-create" : "phase-editor"}
    >
      {field("name", "Name", <input {...control("name")} defaultValue={phase.name} maxLength={80} />, "sm:col-span-2")}
      {field(
        "track",
        "Track",
        <select {...control("track")} defaultValue={phase.track}>
          <option value="attributes">Attributes</option>
          <option value="generation">Generation</option>
        </select>,
      )}
      {field("startsAt", "Starts (UTC)", timeInput("startsAt"))}
      {field("endsAt", "Ends (UTC)", timeInput("endsAt"))}
      <div className="grid grid-cols-2 gap-3">
        {field(
          "dailyLimit",
          "Daily limit",
          <input {...control("dailyLimit")} type="number" min={0} max={1000} step={1} defaultValue={phase.dailyLimit} />,
          undefined,
          <p className="text-xs text-stone-500">Per participant per UTC day. 0 closes submissions.</p>,
        )}
        {field(
          "maxFinal",
          "Final picks",
          <input {...control("maxFinal")} type="number" min={1} max={10} step={1} defaultValue={phase.maxFinal} />,
        )}
      </div>
      <fieldset className="space-y-1 sm:col-span-2 lg:col-span-1" aria-describedby={describedBy("acceptedKinds")}>
        <legend className="text-sm font-medium">Accepted submissions</legend>
        {TRACK_KINDS[phase.track].map((kind) => (
          <label key={kind} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              name="acceptedKinds"
              value={kind}
              defaultChecked={phase.acceptedKinds.includes(kind)}
              className="h-4 w-4"
            />
            {KIND_LABELS[kind]}
          </label>
        ))}
        {fieldError("acceptedKinds")}
        <p className="text-xs text-stone-500">
          Model only is the strongest defence against looking labels up: the test images are public CelebA pictures whose annotations can be
          found, and a CSV can be built from them; a model runs in the sandbox on images the participant never sees.
        </p>
      </fieldset>
      <div className="grid grid-cols-2 gap-3 lg:col-span-2">
        {field(
          "teamSizeCap",
          "Team size cap",
          <input {...control("teamSizeCap")} type="number" min={1} max={20} step={1} defaultValue={phase.teamSizeCap} />,
          undefined,
          <p className="text-xs text-stone-500">1 = solo only.</p>,
        )}
        {field(
          "mergeDeadline",
          "Team merge deadline (UTC)",
          timeInput("mergeDeadline"),
          undefined,
          <p className="text-xs text-stone-500">Empty: until the phase ends.</p>,
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
        "lg:col-span-2",
        <p className="text-xs text-stone-500">
          0.0001 = 4 decimals. The Ladder (Blum &amp; Hardt 2015) shows a new score only when it beats the participant&apos;s best shown
          score by more than the step: small probes of the hidden labels show nothing.
        </p>,
      )}
      {field(
        "description",
        "Description (shown on the challenge page)",
        <textarea {...control("description")} rows={2} maxLength={2000} defaultValue={phase.description} />,
        "sm:col-span-2 lg:col-span-3",
      )}
      {!creating && (
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
      )}
      <div className="flex flex-wrap items-center gap-3 sm:col-span-2 lg:col-span-3">
        <SubmitButton
          busy={pending}
          label={creating ? "Create phase" : "Save phase"}
          busyLabel={creating ? "Creating…" : "Saving…"}
          className="text-sm"
        />
        {!creating && (
          <button
            type="button"
            onClick={() => void onDelete()}
            disabled={pending}
            className="rounded border border-red-300 bg-white px-4 py-2 text-sm font-medium text-red-800 hover:bg-red-50 focus:outline-none focus:ring-2 focus:ring-red-500 disabled:opacity-60"
          >
            Delete phase
          </button>
        )}
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
