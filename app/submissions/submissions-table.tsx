"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatBytes } from "@/lib/format/format-bytes";
import type { SubmissionSummary } from "@/lib/submissions/submission-views";
import { DataTable } from "../data-table";
import { formatScore, formatUtc } from "./format";
import { StatusBadge } from "./status-badge";

/**
 * The user's submissions with the final-selection checkboxes. A tick sends the whole new
 * selection to PUT /api/submissions/final (the server re-checks every rule) and shows it at
 * once; a refusal puts the old selection back and says why.
 */
export function SubmissionsTable(props: { submissions: SubmissionSummary[]; maxFinal: number; selectionOpen: boolean }) {
  const router = useRouter();
  const fromProps = () => new Set(props.submissions.filter((s) => s.isFinal).map((s) => s.id));
  const [selected, setSelected] = useState<Set<string>>(fromProps);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "ok"; text: string } | null>(null);

  // A refresh (polling, or after saving) brings the server's truth: new rows reset the ticks,
  // adjusted while rendering (React's pattern for state that follows a prop) rather than in an effect.
  const [shownSubmissions, setShownSubmissions] = useState(props.submissions);
  if (shownSubmissions !== props.submissions) {
    setShownSubmissions(props.submissions);
    setSelected(fromProps());
  }

  async function toggle(id: string, on: boolean) {
    const previous = selected;
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
    setSaving(true);
    setMessage(null);
    try {
      const res = await fetch("/api/submissions/final", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ submissionIds: [...next] }),
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string; details?: { message: string }[] } } | null;
        setSelected(previous);
        const detail = body?.error?.details?.map((d) => d.message).join("; ");
        setMessage({
          kind: "error",
          text: `${body?.error?.message ?? "The selection could not be saved."}${detail ? ` (${detail})` : ""}`,
        });
      } else {
        setMessage({
          kind: "ok",
          text:
            next.size === 0
              ? "No final submission selected: your best ones by public score will be used."
              : `Final selection saved (${next.size} of ${props.maxFinal}).`,
        });
        router.refresh();
      }
    } catch {
      setSelected(previous);
      setMessage({ kind: "error", text: "The selection could not be saved (network error). Please try again." });
    } finally {
      setSaving(false);
    }
  }

  const full = selected.size >= props.maxFinal;
  return (
    <div className="space-y-3">
      <div aria-live="polite">
        {message && (
          <p
            role={message.kind === "error" ? "alert" : "status"}
            className={`rounded border p-2 text-sm ${message.kind === "error" ? "border-red-300 bg-red-50 text-red-900" : "border-emerald-300 bg-emerald-50 text-emerald-900"}`}
          >
            {message.text}
          </p>
        )}
      </div>
      <DataTable
        caption="Your submissions, newest first"
        testId="submissions-table"
        columns={[
          { label: "Submitted", className: "hidden sm:table-cell" },
          { label: "File" },
          { label: "Status" },
          { label: "Public score", className: "text-right" },
          {
            label: (
              <>
                Final{" "}
                <span className="font-normal">
                  ({selected.size}/{props.maxFinal})
                </span>
              </>
            ),
          },
        ]}
      >
        {props.submissions.map((s) => {
          const eligible = s.status === "scored" && s.disqualified === null;
          const checked = selected.has(s.id);
          const disabled = saving || !props.selectionOpen || (!checked && (!eligible || full));
          // Said only where it helps; an unscored row is simply not tickable yet.
          const why = s.disqualified
            ? "disqualified"
            : eligible && !checked && full && props.selectionOpen
              ? `limit of ${props.maxFinal} reached`
              : undefined;
          return (
            <tr key={s.id} className="border-b border-stone-200 align-top last:border-0" data-testid="submission-row">
              <td className="hidden whitespace-nowrap px-3 py-2 tabular-nums text-stone-600 sm:table-cell">{formatUtc(s.createdAt)}</td>
              <td className="px-3 py-2">
                <Link
                  href={`/submissions/${s.id}`}
                  className="font-medium underline decoration-stone-300 underline-offset-2 hover:decoration-stone-900"
                >
                  {s.fileName}
                </Link>
                {/* On phones the date column is hidden to leave room for the score: the date goes here. */}
                <div className="text-xs tabular-nums text-stone-500 sm:hidden">{formatUtc(s.createdAt)}</div>
                <div className="text-xs text-stone-500">
                  {s.kind === "csv" ? "CSV" : `model${s.modelFormat ? ` (${s.modelFormat})` : ""}`} · {formatBytes(s.fileSize)}
                  {s.isBaseline && " · baseline"}
                </div>
                {s.description && <div className="mt-1 max-w-xs break-words text-xs text-stone-700">{s.description}</div>}
              </td>
              <td className="px-3 py-2">
                <StatusBadge status={s.status} rescoring={s.rescoring} />
                {s.status === "failed" && s.errorMessage && (
                  <div className="mt-1 min-w-40 max-w-xs text-xs text-red-900">
                    <span className="line-clamp-3" title={s.errorMessage}>
                      {s.errorMessage}
                    </span>
                    {s.failureKind === "system" && (
                      <span className="block text-stone-600">Our fault: it did not count against your quota.</span>
                    )}
                  </div>
                )}
                {s.disqualified && (
                  <div className="mt-1 max-w-xs text-xs font-medium text-red-900">
                    Disqualified{s.disqualified.reason ? `: ${s.disqualified.reason}` : ""}
                  </div>
                )}
              </td>
              <td className="px-3 py-2 text-right font-mono tabular-nums">{formatScore(s.publicMain)}</td>
              <td className="px-3 py-2">
                <label className="inline-flex items-center gap-2">
                  <input
                    type="checkbox"
                    checked={checked}
                    disabled={disabled}
                    onChange={(e) => void toggle(s.id, e.target.checked)}
                    aria-describedby="final-help"
                    className="h-4 w-4 accent-stone-900"
                  />
                  <span className="sr-only">
                    Final: {s.fileName}, submitted {formatUtc(s.createdAt)}
                  </span>
                  {why && <span className="text-xs text-stone-500">{why}</span>}
                </label>
              </td>
            </tr>
          );
        })}
      </DataTable>
    </div>
  );
}
