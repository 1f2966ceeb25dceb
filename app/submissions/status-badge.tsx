import type { SubmissionStatus } from "@/lib/db/enums";

const STYLES: Record<SubmissionStatus, string> = {
  queued: "bg-stone-100 text-stone-800 border-stone-300",
  running: "bg-sky-50 text-sky-900 border-sky-300",
  scored: "bg-emerald-50 text-emerald-900 border-emerald-300",
  failed: "bg-red-50 text-red-900 border-red-300",
};

/** The status as a word (never colour alone), with a spinner-free pulse while pending. */
export function StatusBadge({
  status,
  rescoring = false,
}: {
  status: SubmissionStatus;
  /** Scored, with a rescore pending. */ rescoring?: boolean;
}) {
  const pending = status === "queued" || status === "running" || rescoring;
  return (
    <span
      className={`inline-flex items-center gap-1 rounded border px-2 py-0.5 text-xs font-medium ${STYLES[status]}`}
      data-testid="status"
    >
      {pending && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-current" />}
      {rescoring ? "scored · being rescored" : status}
    </span>
  );
}
