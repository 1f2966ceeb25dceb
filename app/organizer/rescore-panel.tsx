"use client";
import { useCallback, useEffect, useState } from "react";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { PageSection } from "../page-section";
import { PhaseSelect } from "./phase-select";
import { sendJson } from "./send-json";

/** One bulk rescore's progress as GET /api/organizer/rescore-batches sends it (dates as JSON strings). */
export interface BatchProgress {
  id: string;
  label: string;
  total: number;
  createdAt: string;
  createdBy: string | null;
  counts: { queued: number; running: number; done: number; failed: number };
  changed: number;
  finished: boolean;
}

/** While a batch runs the panel asks for progress this often (a batch of CSVs takes seconds, of models minutes). */
const POLL_MS = 2000;

const button = "rounded border px-3 py-1 text-sm font-medium focus:outline-none focus:ring-2 focus:ring-stone-500 disabled:opacity-50";

/**
 * "Rescore all N matching" with a confirmation that states N, optionally a whole phase, and the
 * latest bulk rescores with progress bars that refresh while any of them runs.
 */
export function RescorePanel(props: {
  /** The submissions list's current filter (what "all matching" means). */
  filter: Record<string, string>;
  /** Scored submissions matching it now, without a pending scoring job. */
  matching: number;
  phases: { id: string; name: string }[];
  initial: BatchProgress[];
}) {
  const [batches, setBatches] = useState(props.initial);
  const [confirm, setConfirm] = useState<{ scope: unknown; count: number; label: string }>();
  const [phaseId, setPhaseId] = useState(props.phases[0]?.id ?? "");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string }>();

  const refresh = useCallback(async () => {
    const res = await fetch("/api/organizer/rescore-batches", { cache: "no-store" }).catch(() => undefined);
    if (res?.ok) setBatches(((await res.json()) as { batches: BatchProgress[] }).batches);
  }, []);
  const running = batches.some((b) => !b.finished);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, refresh]);

  async function ask(scope: unknown) {
    setBusy(true);
    setMessage(undefined);
    const result = await sendJson("/api/organizer/rescore-batches", "POST", { scope, preview: true });
    setBusy(false);
    if (!result.ok) return setMessage({ kind: "error", text: result.message });
    const { count, label } = result.data as { count: number; label: string };
    if (count === 0) return setMessage({ kind: "error", text: "No scored submission matches, so there is nothing to rescore." });
    setConfirm({ scope, count, label });
  }

  async function start() {
    if (!confirm) return;
    setBusy(true);
    const result = await sendJson("/api/organizer/rescore-batches", "POST", { scope: confirm.scope, expectedCount: confirm.count });
    setBusy(false);
    setConfirm(undefined);
    if (!result.ok) return setMessage({ kind: "error", text: [result.message, ...result.details.map((d) => d.message)].join(" ") });
    const { created, batch } = result.data as { created: boolean; batch: { total: number } };
    setMessage({
      kind: "ok",
      text: created ? `Queued ${batch.total} scoring jobs.` : "That rescore is already running; its progress is below.",
    });
    await refresh();
  }

  return (
    <PageSection
      id="rescore-heading"
      title="Bulk rescore"
      look="card"
      className="space-y-3 rounded border border-stone-200 bg-white p-4"
      testId="rescore-panel"
    >
      <div className="flex flex-wrap items-end gap-2">
        <button
          type="button"
          className={`${button} border-stone-300 bg-white hover:bg-stone-100`}
          disabled={busy || props.matching === 0}
          onClick={() => ask({ filter: props.filter })}
        >
          Rescore all {props.matching} matching
        </button>
        {props.phases.length > 0 && (
          <span className="flex flex-wrap items-end gap-2">
            <PhaseSelect
              phases={props.phases}
              value={phaseId}
              onChange={(e) => setPhaseId(e.target.value)}
              className="rounded border border-stone-300 bg-white px-2 py-1 text-sm"
            />
            <button
              type="button"
              className={`${button} border-stone-300 bg-white hover:bg-stone-100`}
              disabled={busy || !phaseId}
              onClick={() => ask({ phaseId })}
            >
              Rescore this phase
            </button>
          </span>
        )}
      </div>
      {confirm && (
        <div
          role="alertdialog"
          aria-labelledby="rescore-confirm"
          className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm"
        >
          <p id="rescore-confirm">
            Rescore <strong data-testid="rescore-count">{confirm.count}</strong> submission{confirm.count === 1 ? "" : "s"} ({confirm.label}
            )? Each gets a scoring job; scores shown meanwhile stay as they are. Quotas and final picks are not touched.
          </p>
          <div className="flex gap-2">
            <button type="button" className={`${button} border-stone-800 bg-stone-800 text-white`} disabled={busy} onClick={start}>
              Rescore {confirm.count}
            </button>
            <button type="button" className={`${button} border-stone-300 bg-white`} onClick={() => setConfirm(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <p aria-live="polite" className={`text-sm ${message?.kind === "error" ? "text-red-700" : "text-teal-800"}`}>
        {message?.text}
      </p>
      {batches.length > 0 && (
        <ul className="space-y-3" aria-label="Bulk rescores, newest first">
          {batches.map((b) => (
            <BatchRow key={b.id} batch={b} />
          ))}
        </ul>
      )}
    </PageSection>
  );
}

function BatchRow({ batch: b }: { batch: BatchProgress }) {
  const settled = b.counts.done + b.counts.failed;
  const pct = b.total === 0 ? 100 : Math.round((settled / b.total) * 100);
  return (
    <li className="text-sm" data-testid="rescore-batch">
      <div className="flex flex-wrap justify-between gap-x-4">
        <span className="font-medium">{b.label}</span>
        <span className="text-xs text-stone-600">
          {formatUtc(new Date(b.createdAt))}
          {b.createdBy ? ` · ${b.createdBy}` : ""}
        </span>
      </div>
      <div
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={b.total}
        aria-valuenow={settled}
        aria-label={`${b.label}: ${settled} of ${b.total} finished`}
        className="mt-1 h-2 w-full overflow-hidden rounded bg-stone-200"
      >
        <div className={`h-full ${b.counts.failed > 0 ? "bg-amber-500" : "bg-teal-600"}`} style={{ width: `${pct}%` }} />
      </div>
      <p className="mt-1 text-xs text-stone-700" data-testid="rescore-batch-counts">
        {b.finished ? "done" : "running"}: {b.counts.done} scored, {b.counts.failed} failed, {b.counts.running} running, {b.counts.queued}{" "}
        queued of {b.total} · {b.changed} public score{b.changed === 1 ? "" : "s"} changed
      </p>
    </li>
  );
}
