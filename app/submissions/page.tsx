import type { Metadata } from "next";
import Link from "next/link";
import { requirePageUser } from "@/lib/auth/require-page-user";
import { getDb } from "@/lib/db/client";
import { getPhaseRules } from "@/lib/submissions/get-phase-rules";
import { getSubmissionQuota } from "@/lib/submissions/get-submission-quota";
import { listUserSubmissions } from "@/lib/submissions/list-user-submissions";
import { isPending } from "@/lib/submissions/submission-views";
import { QuotaLine } from "../submit/quota-line";
import { AutoRefresh } from "./auto-refresh";
import { SubmissionsTable } from "./submissions-table";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "My submissions" };

export default async function MySubmissionsPage() {
  const user = await requirePageUser("/submissions");
  const db = getDb();
  const [submissions, quota, rules] = await Promise.all([
    listUserSubmissions({ db, userId: user.id, role: user.role }),
    getSubmissionQuota({ db, userId: user.id, role: user.role }),
    getPhaseRules({ db }),
  ]);
  const pending = submissions.some((s) => isPending(s.status));
  return (
    <div className="space-y-6">
      <AutoRefresh active={pending} watchIds={submissions.filter((s) => isPending(s.status)).map((s) => s.id)} />
      <section aria-labelledby="title" className="flex flex-wrap items-end justify-between gap-4">
        <div className="space-y-2">
          <h1 id="title" className="text-3xl font-bold tracking-tight">
            My submissions
          </h1>
          <QuotaLine quota={quota} />
        </div>
        <Link
          href="/submit"
          className="rounded bg-stone-900 px-4 py-2 font-medium text-white hover:bg-stone-700 focus:outline-none focus:ring-2 focus:ring-stone-500 focus:ring-offset-2"
        >
          New submission
        </Link>
      </section>

      <p className="max-w-3xl text-sm text-stone-700" id="final-help">
        {rules.selectionOpen ? (
          <>
            Tick up to <strong>{rules.maxFinal}</strong> scored submissions as <strong>final</strong>: they are the ones scored on the
            private leaderboard when the phase ends. If you tick none, your best {rules.maxFinal} by public score are used.
          </>
        ) : (
          <>
            The final selection is closed{rules.phase ? ` (${rules.phase.name} has ended)` : ""}; your ticked submissions stand for you on
            the private leaderboard.
          </>
        )}
      </p>

      {submissions.length === 0 ? (
        <p className="rounded border border-stone-200 bg-white p-4 text-sm text-stone-700">
          You have not submitted anything yet.{" "}
          <Link href="/submit" className="underline">
            Make your first submission
          </Link>{" "}
          &mdash; the <code>sample_submission.csv</code> from the data page is a valid one.
        </p>
      ) : (
        <SubmissionsTable submissions={submissions} maxFinal={rules.maxFinal} selectionOpen={rules.selectionOpen} />
      )}
      <p aria-live="polite" className="sr-only">
        {pending ? "Some submissions are still being scored; this page updates by itself." : ""}
      </p>
    </div>
  );
}
