import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { listProblemJobs, type ProblemReason } from "@/lib/organizer/list-problem-jobs";
import { formatUtc } from "@/lib/phases/format-phase-time";
import { DataTable } from "../../data-table";
import { cell } from "../list-controls";
import { OpsActionButton } from "../ops-action-button";
import { requirePageOrganizer } from "@/lib/auth/require-page-user";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Stuck and failing jobs · Organizer", robots: { index: false } };

const REASONS: Record<ProblemReason, string> = {
  "lease-expired": "lease expired (worker gone)",
  "repeated-attempts": "2+ attempts",
  "system-failure": "failed: our fault",
};

/** Organizer: jobs stuck on a dead worker or failing repeatedly, each with a requeue. Participants get a 404 (layout). */
export default async function OrganizerJobsPage() {
  // Its own check, not only the layout's: a client navigating within the console asks for the
  // page segment alone, and Next.js then renders the page without re-running the layout.
  await requirePageOrganizer("/organizer/jobs");
  const jobs = await listProblemJobs({ db: getDb() });
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-bold tracking-tight">Stuck and failing jobs</h1>
      <p className="max-w-3xl text-sm text-stone-700">
        Running jobs whose lease expired (a worker normally reclaims them within a minute), jobs that needed two or more attempts, and jobs
        that failed for good because of a problem on our side. Requeue puts a job back as new (attempts reset); a job a worker is running
        under a live lease cannot be requeued.
      </p>
      {jobs.length === 0 ? (
        <p className="text-sm text-stone-600" data-testid="no-problem-jobs">
          No stuck or failing jobs.
        </p>
      ) : (
        <DataTable
          caption="Problem jobs, most recently updated first"
          smallHeader
          testId="problem-jobs-table"
          columns={[{ label: "Updated (UTC)" }, { label: "Job" }, { label: "Why listed" }, { label: "Last error" }, { label: "" }]}
        >
          {jobs.map((j) => (
            <tr key={j.id} className="border-b border-stone-100 align-top" data-testid="problem-job-row">
              <td className={`${cell} whitespace-nowrap text-xs`}>{formatUtc(j.updatedAt)}</td>
              <td className={`${cell} text-xs`}>
                <div className="font-mono">{j.type}</div>
                <div className="text-stone-600">
                  {j.status} · attempt {j.attempts}/{j.maxAttempts}
                  {j.workerId ? ` · ${j.workerId}` : ""}
                </div>
                {j.submission && (
                  <Link className="underline" href={`/submissions/${j.submission.id}`}>
                    submission of {j.submission.userEmail}
                  </Link>
                )}
              </td>
              <td className={`${cell} text-xs`}>{j.reasons.map((r) => REASONS[r]).join(", ")}</td>
              <td className={`${cell} max-w-xs break-words text-xs text-stone-700`}>{j.lastError ?? "—"}</td>
              <td className={cell}>
                <OpsActionButton
                  url={`/api/organizer/jobs/${encodeURIComponent(j.id)}/requeue`}
                  label="Requeue"
                  done="Requeued."
                  disabled={!j.requeueable}
                  title={j.requeueable ? undefined : "A worker holds a live lease on it"}
                />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
