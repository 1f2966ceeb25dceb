import Link from "next/link";
import type { OrganizerSubmissionRow } from "@/lib/organizer/list-recent-submissions";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { DataTable, type DataTableColumn } from "../data-table";
import { SUBMISSION_COLUMNS, fmtScore } from "./list-controls";
import { SubmissionActions } from "./submission-actions";

const STATUS_STYLE: Record<string, string> = {
  queued: "bg-stone-100 text-stone-700",
  running: "bg-sky-100 text-sky-800",
  scored: "bg-teal-100 text-teal-800",
  failed: "bg-red-100 text-red-800",
};

export const STATUS_FILTERS = ["all", "queued", "running", "scored", "failed"] as const;

const COLUMNS: DataTableColumn[] = [...SUBMISSION_COLUMNS, { label: "Actions" }];

/** Everyone's latest submissions with the organizer's actions. Scrolls sideways on a phone. */
export function SubmissionsTable({ rows, status }: { rows: OrganizerSubmissionRow[]; status: string }) {
  return (
    <div className="space-y-3">
      <nav aria-label="Filter submissions by status" className="flex flex-wrap gap-2 text-sm">
        {STATUS_FILTERS.map((s) => (
          <Link
            key={s}
            href={s === "all" ? "/organizer#submissions" : `/organizer?status=${s}#submissions`}
            aria-current={s === status ? "page" : undefined}
            className={`rounded-full border px-3 py-0.5 ${s === status ? "border-stone-900 bg-stone-900 text-white" : "border-stone-300 bg-white hover:bg-stone-100"}`}
          >
            {s}
          </Link>
        ))}
      </nav>
      {rows.length === 0 ? (
        <p className="text-sm text-stone-600">No submissions{status === "all" ? " yet" : ` with status ${status}`}.</p>
      ) : (
        <DataTable caption="Latest submissions of all participants and baselines, newest first" columns={COLUMNS} smallHeader>
          {rows.map((r) => (
            <tr
              key={r.id}
              className={`border-b border-stone-100 align-top ${r.disqualifiedAt ? "bg-red-50/40" : ""}`}
              data-testid="organizer-submission-row"
              data-submission-id={r.id}
            >
              <td className="whitespace-nowrap px-3 py-2 text-xs text-stone-600">{formatUtc(r.createdAt)}</td>
              <td className="px-3 py-2">
                <div className="font-medium">{r.user.name}</div>
                <div className="text-xs text-stone-500">{r.user.email}</div>
                {r.baselineTitle && (
                  <span className="mt-1 inline-block rounded bg-violet-100 px-1.5 text-xs text-violet-800">
                    baseline: {r.baselineTitle}
                  </span>
                )}
              </td>
              <td className="max-w-[14rem] px-3 py-2">
                <div className="truncate font-mono text-xs" title={r.fileName}>
                  {r.kind} · {r.fileName}
                </div>
                {r.description && (
                  <div className="truncate text-xs text-stone-500" title={r.description}>
                    {r.description}
                  </div>
                )}
                {r.isFinal && <span className="text-xs font-medium text-teal-800">final pick</span>}
              </td>
              <td className="px-3 py-2">
                <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[r.status] ?? ""}`}>{r.status}</span>
                {r.failureKind && (
                  <div className="text-xs text-stone-500">{r.failureKind === "system" ? "our fault, not counted" : "their file"}</div>
                )}
                {r.errorMessage && (
                  <div className="max-w-[16rem] truncate text-xs text-red-700" title={r.errorMessage}>
                    {r.errorMessage}
                  </div>
                )}
                {r.disqualifiedAt && (
                  <div className="max-w-[16rem] text-xs text-red-800">
                    <strong>Disqualified</strong> {formatUtc(r.disqualifiedAt)}: {r.disqualifiedReason}
                  </div>
                )}
              </td>
              <td className="px-3 py-2 text-right tabular-nums">{fmtScore(r.publicMain)}</td>
              <td className="px-3 py-2 text-right tabular-nums text-stone-500">{fmtScore(r.privateMain)}</td>
              <td className="px-3 py-2">
                <SubmissionActions id={r.id} scoringPending={r.scoringPending} disqualified={r.disqualifiedAt !== null} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
