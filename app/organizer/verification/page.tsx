import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { formatBytes } from "@/lib/format/format-bytes";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { listVerifications } from "@/lib/verification/list-verifications";
import { RERUNNABLE_STATUSES, VERIFICATION_LABELS, isVerificationStatus } from "@/lib/verification/verification-status";
import { DataTable } from "../../data-table";
import { cell, fmtScore } from "../list-controls";
import { OpsActionButton } from "../ops-action-button";
import { RejectVerificationForm, RequestVerificationForm } from "./verification-forms";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Winner verification · Organizer", robots: { index: false } };

const TONE: Record<string, string> = {
  verified: "bg-emerald-50 text-emerald-900 border-emerald-300",
  mismatch: "bg-amber-50 text-amber-900 border-amber-300",
  "rerun-failed": "bg-red-50 text-red-900 border-red-300",
  rejected: "bg-red-50 text-red-900 border-red-300",
};

/** Organizer: request verification of the leaders, rerun their uploaded models, see the outcome, download their code. */
export default async function OrganizerVerificationPage() {
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer("/organizer/verification");
  const db = getDb();
  const [rows, phases] = await Promise.all([
    listVerifications({ db }),
    db.phase.findMany({ orderBy: { startsAt: "asc" }, select: { id: true, name: true } }),
  ]);
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">Winner verification</h1>
      <p className="max-w-3xl text-sm text-stone-700">
        Each participant asked uploads their training code (kept as uploaded, never opened on the server) and the model that made the
        submission. A rerun runs that model in the scoring sandbox on the same test set; it is verified when both scores are within 0.000001
        of the submission&apos;s.
      </p>
      <RequestVerificationForm phases={phases} />
      {rows.length === 0 ? (
        <p className="text-sm text-stone-600">No verification requested yet.</p>
      ) : (
        <DataTable
          caption="Winner verifications, newest request first"
          smallHeader
          testId="verification-table"
          columns={[
            { label: "Participant" },
            { label: "Status" },
            { label: "Scores (submitted / rerun)" },
            { label: "Files" },
            { label: "" },
          ]}
        >
          {rows.map((v) => {
            const status = isVerificationStatus(v.status) ? v.status : "requested";
            return (
              <tr key={v.id} className="border-b border-stone-100 align-top" data-testid="verification-row">
                <td className={`${cell} text-xs`}>
                  <Link className="underline" href={`/organizer/participants/${v.user.id}`}>
                    {v.user.name}
                  </Link>
                  <div className="text-stone-500">{v.user.email}</div>
                  <Link className="underline" href={`/submissions/${v.submission.id}`}>
                    {v.submission.kind} submission
                  </Link>
                  <div className="text-stone-500">requested {formatUtc(v.requestedAt)}</div>
                </td>
                <td className={`${cell} text-xs`}>
                  <span
                    className={`rounded border px-2 py-0.5 font-medium ${TONE[status] ?? "border-stone-300 bg-stone-50"}`}
                    data-testid="verification-status"
                  >
                    {VERIFICATION_LABELS[status]}
                  </span>
                  {v.outcome && <p className="mt-1 max-w-xs break-words text-stone-700">{v.outcome}</p>}
                </td>
                <td className={`${cell} whitespace-nowrap text-xs tabular-nums`}>
                  <div>
                    public {fmtScore(v.submission.publicMain)} / {fmtScore(v.rerunPublicMain)}
                  </div>
                  <div>
                    private {fmtScore(v.submission.privateMain)} / {fmtScore(v.rerunPrivateMain)}
                  </div>
                  {v.rerunAt && <div className="text-stone-500">rerun {formatUtc(v.rerunAt)}</div>}
                </td>
                <td className={`${cell} text-xs`}>
                  {v.code ? (
                    <a className="underline" href={`/api/organizer/verification/${encodeURIComponent(v.id)}/code`}>
                      code: {v.code.name} ({formatBytes(v.code.size)})
                    </a>
                  ) : (
                    <div className="text-stone-500">no code yet</div>
                  )}
                  <div className={v.model ? "" : "text-stone-500"}>
                    {v.model ? `model: ${v.model.name} (${formatBytes(v.model.size)})` : "no model yet"}
                  </div>
                </td>
                <td className={`${cell} space-y-1`}>
                  <OpsActionButton
                    url={`/api/organizer/verification/${encodeURIComponent(v.id)}/rerun`}
                    label="Rerun"
                    done="Rerun queued."
                    disabled={!RERUNNABLE_STATUSES.includes(status) || !v.model}
                  />
                  {status !== "rejected" && <RejectVerificationForm id={v.id} />}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </div>
  );
}
